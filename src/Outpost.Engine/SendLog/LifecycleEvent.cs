using Outpost.Engine.Queue;

namespace Outpost.Engine.SendLog;

/// <summary>
/// One row of the events outbox: a recipient's status change, with the reply that caused it when an
/// attempt did. Every event carries its message's envelope sender and sending domain (webhooks are routed
/// by domain); a recipient refused at submission was never queued, so its event has no message or
/// recipient id.
/// </summary>
public sealed record LifecycleEvent(
    long Id,
    string Type,
    string? MessageId,
    long? RecipientId,
    string Recipient,
    RecipientStatus? From,
    RecipientStatus To,
    string? Reason,
    RemoteReply? Reply,
    int Attempt,
    string? Channel,
    DateTimeOffset At)
{
    /// <summary>The envelope sender; empty for the null sender (bounces).</summary>
    public string Sender { get; init; } = "";

    /// <summary>The sender's domain, lower case; empty for the null sender.</summary>
    public string SenderDomain { get; init; } = "";
}
