namespace Outpost.Engine.Idempotency;

/// <summary>Where an idempotency key stands: a request holds it and is still working, or its answer is stored.</summary>
public enum IdempotencyState
{
    /// <summary>Claimed by a request that has neither queued a message nor been refused yet.</summary>
    InProgress,

    /// <summary>The first answer is stored (with its message, when one was queued) and is given again.</summary>
    Done,
}
