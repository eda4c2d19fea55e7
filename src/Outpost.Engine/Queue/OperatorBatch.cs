namespace Outpost.Engine.Queue;

/// <summary>
/// One batch of an operator's action, applied in one short transaction: the status changes decided by
/// <see cref="RecipientTransitions"/> (transitions, and outcomes for a delete with a bounce), the next try
/// for released or retried recipients, the audit line whose counts grow with it, and how many matching
/// recipients the caller already left alone because a delivery held them.
/// </summary>
public sealed record OperatorBatch(
    long AuditId,
    DateTimeOffset Now,
    IReadOnlyList<RecipientTransition> Transitions,
    IReadOnlyList<RecipientOutcome> Outcomes,
    DateTimeOffset? NextAttemptAt,
    int Skipped);
