using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Idempotency;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Queue;

/// <summary>
/// Group commit: sessions whose bodies are already sealed hand their message here; one loop syncs
/// the spool directory once (the file spool; on PostgreSQL the bodies are committed already) and writes every waiting message in one transaction, then releases them
/// all. Under load this turns N directory syncs and N commits into one of each, with the same promise:
/// no 250 before both the file and its rows are durable. A batch the store refuses is retried one message
/// at a time, so one refused message fails only its own submission.
/// </summary>
public sealed class QueueCommitter : IAsyncDisposable
{
    const int MaxBatch = 256;
    readonly Channel<Pending> _channel = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    readonly IQueueStore _store;
    readonly IMessageBodyStore _bodies;
    readonly TimeProvider _time;
    readonly TimeSpan _lease;
    readonly ILogger _logger;
    readonly Task _loop;

    sealed record Pending(NewMessage Message, TaskCompletionSource<IReadOnlyList<QueuedRecipient>> Done);

    public QueueCommitter(IQueueStore store, IMessageBodyStore bodies, TimeProvider time, TimeSpan lease, ILogger<QueueCommitter> logger)
    {
        _store = store;
        _bodies = bodies;
        _time = time;
        _lease = lease;
        _logger = logger;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Completes once the message is durable in the queue; its recipients come back leased to this node.</summary>
    public Task<IReadOnlyList<QueuedRecipient>> CommitAsync(NewMessage message)
    {
        var pending = new Pending(message, new TaskCompletionSource<IReadOnlyList<QueuedRecipient>>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_channel.Writer.TryWrite(pending))
            throw new IOException("The queue is shutting down.");
        return pending.Done.Task;
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
                _bodies.SyncBeforeEnqueue();
                var results = await _store.EnqueueAsync(batch.Select(p => p.Message).ToList(), _time.GetUtcNow() + _lease);
                for (var i = 0; i < batch.Count; i++)
                    batch[i].Done.TrySetResult(results[i]);
            }
            catch (Exception ex) when (batch.Count == 1)
            {
                Failed(batch[0], ex);
            }
            catch (Exception ex)
            {
                // One message the store refuses (an idempotency claim taken over meanwhile) must not fail the
                // others: each tries again in a transaction of its own, as OutcomeCommitter does.
                _logger.LogWarning(ex, "Queueing {Count} messages together failed; queueing them one by one", batch.Count);
                foreach (var pending in batch)
                    await CommitAloneAsync(pending);
            }
        }
    }

    async Task CommitAloneAsync(Pending pending)
    {
        try
        {
            var results = await _store.EnqueueAsync([pending.Message], _time.GetUtcNow() + _lease);
            pending.Done.TrySetResult(results[0]);
        }
        catch (Exception ex)
        {
            Failed(pending, ex);
        }
    }

    void Failed(Pending pending, Exception ex)
    {
        // A lost claim is an answer (the request that took the key over queues the message), not a fault.
        if (ex is not IdempotencyClaimLostException)
            _logger.LogError(ex, "Cannot write message {Id} to the queue", pending.Message.Message.Id);
        pending.Done.TrySetException(ex);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop;
    }
}
