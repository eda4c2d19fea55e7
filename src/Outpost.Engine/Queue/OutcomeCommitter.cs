using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Outpost.Engine.Queue;

/// <summary>
/// Group commit for delivery outcomes, the twin of <see cref="QueueCommitter"/>: deliveries that end
/// at the same moment share one transaction (one disk sync) instead of taking the database's single
/// writer one after another. The promise is unchanged: a caller returns only once its outcomes are
/// durable, so a spool file is never removed before the queue says its message is finished.
/// </summary>
public sealed class OutcomeCommitter : IAsyncDisposable
{
    const int MaxBatch = 256;
    readonly Channel<Pending> _channel = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    readonly IQueueStore _store;
    readonly ILogger _logger;
    readonly Task _loop;

    sealed record Pending(IReadOnlyList<RecipientOutcome> Outcomes, TaskCompletionSource<RecordedOutcomes> Done);

    public OutcomeCommitter(IQueueStore store, ILogger<OutcomeCommitter> logger)
    {
        _store = store;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// Stores the outcomes durably; returns the ids of their messages that have no open recipient left, and those
    /// of the outcomes that did not take (see <see cref="IQueueStore.RecordOutcomesAsync"/>).
    /// </summary>
    public Task<RecordedOutcomes> CommitAsync(IReadOnlyList<RecipientOutcome> outcomes)
    {
        var pending = new Pending(outcomes, new TaskCompletionSource<RecordedOutcomes>(TaskCreationOptions.RunContinuationsAsynchronously));
        // After shutdown began, a delivery still finishing writes on its own rather than losing its outcome.
        return _channel.Writer.TryWrite(pending) ? pending.Done.Task : _store.RecordOutcomesAsync(outcomes);
    }

    async Task RunAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _channel.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _channel.Reader.TryRead(out var item))
                batch.Add(item);
            try
            {
                var recorded = await _store.RecordOutcomesAsync(batch.SelectMany(p => p.Outcomes).ToList());
                var completed = recorded.Completed.ToHashSet(StringComparer.Ordinal);
                var lost = recorded.Lost.ToHashSet(ReferenceEqualityComparer.Instance);
                foreach (var pending in batch)
                    pending.Done.TrySetResult(Of(pending, completed, lost));
            }
            catch (Exception ex) when (batch.Count == 1)
            {
                batch[0].Done.TrySetException(ex);
            }
            catch (Exception ex)
            {
                // One bad outcome must not fail the others: each tries again in a transaction of its own.
                _logger.LogWarning(ex, "Recording {Count} deliveries' outcomes together failed; recording them one by one", batch.Count);
                foreach (var pending in batch)
                    await CommitAloneAsync(pending);
            }
        }
    }

    async Task CommitAloneAsync(Pending pending)
    {
        try
        {
            pending.Done.TrySetResult(await _store.RecordOutcomesAsync(pending.Outcomes));
        }
        catch (Exception ex)
        {
            pending.Done.TrySetException(ex);
        }
    }

    /// <summary>
    /// One caller's share of a batch: the finished messages among its own (another caller's message is not its to
    /// clean up), and its own outcomes that did not take.
    /// </summary>
    static RecordedOutcomes Of(Pending pending, HashSet<string> completed, HashSet<object?> lost) =>
        new(pending.Outcomes.Select(o => o.Recipient.MessageId).Distinct(StringComparer.Ordinal).Where(completed.Contains).ToList(),
            pending.Outcomes.Where(lost.Contains).ToList());

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop;
    }
}
