namespace Outpost.Engine.Queue;

/// <summary>
/// The result of an attempt as a status change, decided by <see cref="RecipientTransitions"/>: the
/// recipient as it was (its status is the change's "from"), its new status, the lifecycle event
/// (<see cref="LifecycleEvents"/>), the attempt itself and the next try if deferred.
/// </summary>
public sealed record RecipientOutcome(QueuedRecipient Recipient, RecipientStatus NewStatus, DeliveryAttempt Attempt, DateTimeOffset? NextAttemptAt)
{
    /// <summary>The event this outcome emits: the new status's name, or "expired" for a message that ran out of time.</summary>
    public string Event { get; init; } = NewStatus.ToName();
}
