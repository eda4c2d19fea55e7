using Outpost.Engine.Queue;

namespace Outpost.Engine.Complaints;

/// <summary>
/// What a matched complaint changes, written with the complaint in one transaction: the complainer on
/// the sending domain's suppression list, a <c>complaint</c> row in the events outbox for the recipient
/// (with <see cref="EventReason"/>), and a violation counted against the sender. Each is optional: a
/// redacted report may name no complainer; a message from the null sender has nobody to count against.
/// </summary>
public sealed record ComplaintEffects(
    Suppression.Suppression? Suppression,
    QueuedRecipient? Recipient,
    string EventReason,
    ComplaintViolation? Violation);
