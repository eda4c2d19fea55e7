using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Outpost.Engine.Queue;

/// <summary>
/// Group commit for delivery outcomes, the twin of <see cref="QueueCommitter"/>: deliveries that end
/// at the same moment share one transaction (one disk sync) instead of taking the database's single
/// writer one after another. The promise is unchanged: a caller returns only once its outcomes are
/// durable, so a spool file is never removed before the queue says its message is finished. While the
/// database cannot be reached (<see cref="StoreOutage"/>: stopped, restarting, the network gone) a batch is
/// tried again with growing pauses for up to <see cref="WaitForDatabase"/>, its deliveries waiting with it,
/// instead of failing: an outcome dropped there would leave its recipient leased (the heartbeat renews a
/// young claim) and its message unfinished until the claim grew too old.
/// </summary>
public sealed class OutcomeCommitter : IAsyncDisposable
{
    const int MaxBatch = 256;

    /// <summary>Shorter than the longest hold of a lease (15 minutes), so the node still holds the recipients it reports on.</summary>
    public static readonly TimeSpan WaitForDatabase = TimeSpan.FromMinutes(10);

    static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(5);
    readonly CancellationTokenSource _stopping = new();
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
                var recorded = await RecordAsync(batch.SelectMany(p => p.Outcomes).ToList());
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
            pending.Done.TrySetResult(await RecordAsync(pending.Outcomes));
        }
        catch (Exception ex)
        {
            pending.Done.TrySetException(ex);
        }
    }

    /// <summary>Records, waiting for the database through an outage (bounded by <see cref="WaitForDatabase"/> and by shutdown).</summary>
    async Task<RecordedOutcomes> RecordAsync(IReadOnlyList<RecipientOutcome> outcomes)
    {
        var deadline = DateTime.UtcNow + WaitForDatabase;
        var pause = TimeSpan.FromMilliseconds(250);
        for (var tries = 1; ; tries++)
        {
            try
            {
                return await _store.RecordOutcomesAsync(outcomes);
            }
            catch (Exception ex) when (StoreOutage.IsOutage(ex) && DateTime.UtcNow + pause < deadline && !_stopping.IsCancellationRequested)
            {
                if (tries == 1)
                    _logger.LogWarning("Recording {Count} delivery outcomes failed because the database cannot be reached ({Reason}); trying again until it is back, for up to {Limit}",
                        outcomes.Count, ex.Message, WaitForDatabase);
                try
                {
                    await Task.Delay(pause, _stopping.Token);
                }
                catch (OperationCanceledException)
                {
                }
                pause = pause * 2 < LongestPause ? pause * 2 : LongestPause;
            }
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
        // A batch waiting for the database gives up its wait: one more try, then its deliveries fail as before.
        await _stopping.CancelAsync();
        await _loop;
        _stopping.Dispose();
    }
}
