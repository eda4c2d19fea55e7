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

    /// <summary>Why, when a person decided it (an operator's delete with a bounce): kept in the event beside the reply.</summary>
    public string? Reason { get; init; }

    /// <summary>The change takes only while no delivery holds the recipient's lease (see <see cref="RecipientTransition.UnlessLeased"/>).</summary>
    public bool UnlessLeased { get; init; }

    /// <summary>
    /// A delivery's outcome: it takes only while the recipient's lease still bears the recording node's name.
    /// A node whose lease ran out and was taken by another node must not overwrite the newer node's state
    /// (its message may then reach the recipient twice, the documented at-least-once, but no status goes back).
    /// </summary>
    public bool ByLeaseHolder { get; init; }
}
