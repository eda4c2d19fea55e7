namespace Outpost.Engine.Policy;

/// <summary>
/// A restriction of external sending, for one mailbox (<c>Scope</c> "mailbox", <c>Subject</c> its address)
/// or a whole domain ("domain"). Lifted by an operator, never by time.
/// </summary>
public sealed record Restriction(
    long Id,
    string Scope,
    string Subject,
    string Reason,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset? LiftedAt,
    string? LiftedBy,
    string? LiftReason)
{
    public bool Active => LiftedAt is null;
}
