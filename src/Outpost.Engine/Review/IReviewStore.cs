using Outpost.Engine.Queue;

namespace Outpost.Engine.Review;

/// <summary>
/// The review queue's storage. A decision is written once: releasing or refusing a message already
/// decided (by another operator a moment earlier) changes nothing and says so by returning null.
/// </summary>
public interface IReviewStore
{
    Task<IReadOnlyList<ReviewItem>> ListAsync(bool pendingOnly, int limit, CancellationToken cancellationToken = default);

    Task<ReviewItem?> GetAsync(string messageId, CancellationToken cancellationToken = default);

    /// <summary>Marks the review released and makes its held recipients due now, in one transaction; the number released, or null when it was not pending.</summary>
    Task<int?> ReleaseAsync(string messageId, string by, string? reason, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks the review refused and bounces its held recipients with <paramref name="refusal"/> (recorded
    /// as an attempt of each), in one transaction; returns those recipients as they were and whether the message has no
    /// open recipient left, or null when it was not pending.
    /// </summary>
    Task<(IReadOnlyList<QueuedRecipient> Recipients, bool Completed)?> RefuseAsync(string messageId, string by, string reason, DeliveryAttempt refusal, CancellationToken cancellationToken = default);
}
