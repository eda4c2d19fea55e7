using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Outpost.Engine.Queue;

namespace Outpost.Storage.Postgres;

/// <summary>
/// Wakes this node's idle delivery loop when another node (or an operator's command) has made work
/// claimable: one connection of the pool stays in <c>LISTEN outpost_work</c>, and every notice releases
/// the waiting loop, several notices collapsing into one wake. The notices are sent by the writes
/// themselves, inside their transactions (<see cref="WriteTransaction.WakeIdleNodes"/>), so they arrive
/// after the commit. A lost connection is opened again with a growing pause (up to 30 s) and wakes the
/// loop once, for a notice it may have missed; meanwhile the loop polls as it always does. Security: the
/// notice carries no payload, only "look at the queue".
/// </summary>
public sealed class PostgresWakeups(PostgresDatabase db, ILogger<PostgresWakeups>? logger = null) : IQueueWakeups, IAsyncDisposable
{
    public const string Channel = "outpost_work";

    static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);

    readonly ILogger _logger = logger ?? NullLogger<PostgresWakeups>.Instance;
    readonly SemaphoreSlim _notice = new(0, 1);
    readonly CancellationTokenSource _stop = new();
    readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    readonly Lock _gate = new();
    Task? _loop;

    /// <summary>Completes once the first <c>LISTEN</c> is in place (notices sent before it are not seen).</summary>
    public Task ListeningAsync()
    {
        Start();
        return _listening.Task;
    }

    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Start();
        using var both = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var notice = _notice.WaitAsync(Timeout.Infinite, both.Token);
        var delay = Task.Delay(timeout, time, both.Token);
        await Task.WhenAny(notice, delay);
        both.Cancel();
        try
        {
            await notice;
        }
        catch (OperationCanceledException)
        {
        }
        cancellationToken.ThrowIfCancellationRequested();
        return notice.IsCompletedSuccessfully;
    }

    void Start()
    {
        lock (_gate)
            _loop ??= Task.Run(() => ListenAsync(_stop.Token));
    }

    async Task ListenAsync(CancellationToken stop)
    {
        var pause = TimeSpan.FromSeconds(1);
        var first = true;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = await db.DataSource.OpenConnectionAsync(stop);
                connection.Notification += (_, _) => Signal();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stop);
                _listening.TrySetResult();
                // After a lost connection a notice may have gone by unheard: look at the queue once.
                if (!first)
                    Signal();
                first = false;
                pause = TimeSpan.FromSeconds(1);
                while (!stop.IsCancellationRequested)
                    await connection.WaitAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Not listening for new work in PostgreSQL; polling meanwhile and trying again in {Pause}", pause);
                try
                {
                    await Task.Delay(pause, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                pause = pause * 2 > LongestPause ? LongestPause : pause * 2;
            }
        }
    }

    void Signal()
    {
        // One pending wake is enough: the loop claims everything that is due when it wakes.
        lock (_gate)
            if (_notice.CurrentCount == 0)
                _notice.Release();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is { } loop)
            await loop;
        _stop.Dispose();
        _notice.Dispose();
    }
}
