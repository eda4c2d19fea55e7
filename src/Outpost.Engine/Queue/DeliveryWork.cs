using System.Diagnostics;

namespace Outpost.Engine.Queue;

/// <summary>A message and those of its recipients one delivery handles together (one route, one domain).</summary>
public sealed record DeliveryWork(QueuedMessage Message, IReadOnlyList<QueuedRecipient> Recipients)
{
    /// <summary>
    /// The trace of the submission that queued this work, when it was traced and handed over in this
    /// process: its delivery becomes a child of it, so one trace shows the message's whole journey. Work
    /// the scheduler claims (a retry, after a restart) has none; its spans carry the queue id instead.
    /// </summary>
    public ActivityContext Origin { get; init; }
}
