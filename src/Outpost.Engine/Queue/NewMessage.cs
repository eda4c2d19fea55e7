using Outpost.Engine.Idempotency;

namespace Outpost.Engine.Queue;

/// <summary>
/// A message about to be queued, its spool file already durable. With <paramref name="Review"/> its
/// external recipients are queued held, waiting for an operator's review; hosted ones go at once.
/// </summary>
public sealed record NewMessage(QueuedMessage Message, IReadOnlyList<NewRecipient> Recipients, ReviewHold? Review = null)
{
    /// <summary>
    /// For a message submitted with an idempotency key: the claim it finishes and the answer to store,
    /// written in the enqueue transaction before the message's rows. When the claim no longer holds, the
    /// store queues nothing of this message and throws <see cref="IdempotencyClaimLostException"/>.
    /// </summary>
    public IdempotencyCompletion? Idempotency { get; init; }
}
