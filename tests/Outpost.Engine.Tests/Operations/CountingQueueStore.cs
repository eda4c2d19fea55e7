using Outpost.Engine.Queue;

namespace Outpost.Engine.Tests.Operations;

/// <summary>A queue store that passes everything on and notes the size of each operator batch, so tests see how an action is cut.</summary>
internal sealed class CountingQueueStore(IQueueStore inner) : IQueueStore
{
    public List<int> Batches { get; } = [];

    public Task<OperatorBatchResult> ApplyOperatorBatchAsync(OperatorBatch batch, CancellationToken cancellationToken = default)
    {
        lock (Batches)
            Batches.Add(batch.Transitions.Count + batch.Outcomes.Count);
        return inner.ApplyOperatorBatchAsync(batch, cancellationToken);
    }

    public Task<IReadOnlyList<WaitingRecipient>> WaitingAsync(QueueSelection selection, DateTimeOffset now, long afterId, int limit, CancellationToken cancellationToken = default) =>
        inner.WaitingAsync(selection, now, afterId, limit, cancellationToken);
    public Task<IReadOnlyList<IReadOnlyList<QueuedRecipient>>> EnqueueAsync(IReadOnlyList<NewMessage> batch, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
        inner.EnqueueAsync(batch, leaseUntil, cancellationToken);
    public Task<IReadOnlyList<DeliveryWork>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default) =>
        inner.ClaimDueAsync(now, leaseUntil, limit, cancellationToken);
    public Task<RecordedOutcomes> RecordOutcomesAsync(IReadOnlyList<RecipientOutcome> outcomes, CancellationToken cancellationToken = default) =>
        inner.RecordOutcomesAsync(outcomes, cancellationToken);
    public Task RecordTriesAsync(IReadOnlyList<(QueuedRecipient Recipient, DeliveryAttempt Attempt)> tries, CancellationToken cancellationToken = default) =>
        inner.RecordTriesAsync(tries, cancellationToken);
    public Task<int> ReleaseOwnLeasesAsync(CancellationToken cancellationToken = default) => inner.ReleaseOwnLeasesAsync(cancellationToken);
    public Task<int> RenewLeasesAsync(DateTimeOffset leaseUntil, DateTimeOffset claimedSince, CancellationToken cancellationToken = default) =>
        inner.RenewLeasesAsync(leaseUntil, claimedSince, cancellationToken);
    public Task<QueuedMessage?> GetMessageAsync(string id, CancellationToken cancellationToken = default) => inner.GetMessageAsync(id, cancellationToken);
    public Task<IReadOnlyList<QueuedRecipient>> ListOpenAsync(int limit, CancellationToken cancellationToken = default) => inner.ListOpenAsync(limit, cancellationToken);
    public Task<IReadOnlyDictionary<string, int>> DepthAsync(CancellationToken cancellationToken = default) => inner.DepthAsync(cancellationToken);
    public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default) => inner.NextDueAsync(cancellationToken);
}
