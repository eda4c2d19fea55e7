using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Configuration;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Delivery;

/// <summary>
/// Remote work waits here per destination domain. Each domain gets up to
/// <see cref="DeliveryOptions.MaxConnectionsPerDomain"/> connections, and every connection keeps
/// taking that domain's waiting messages, so messages to one destination share connections. A
/// connection that finds nothing waiting stays open for <see cref="DeliveryOptions.ConnectionIdleTime"/>
/// and takes the next message that comes (the newest idle one first, so a surplus of connections winds
/// down); only then does it close. A global limit caps outbound connections in all. With several nodes on one
/// database, each takes its share of the per-domain limit (<see cref="ConnectionShare"/>).
/// </summary>
public sealed class RemoteDispatcher(OutpostOptions options, RemoteDeliverer deliverer, ConnectionShare share, TimeProvider time, ILogger<RemoteDispatcher> logger) : IAsyncDisposable
{
    readonly ConcurrentDictionary<string, Destination> _destinations = new();
    readonly SemaphoreSlim _connections = new(options.Delivery.MaxConnections);
    readonly CancellationTokenSource _stopping = new();
    // Set when serve stops: connections finish what waits for their destination, but none waits idle for more.
    readonly CancellationTokenSource _draining = new();
    readonly ConcurrentDictionary<Task, bool> _running = new();

    sealed class Destination(string domain)
    {
        public string Domain { get; } = domain;
        public Queue<DeliveryWork> Waiting { get; } = new();
        /// <summary>Open connections waiting for work; the one that began to wait last is woken first.</summary>
        public LinkedList<TaskCompletionSource> Idle { get; } = new();
        public int Active;
    }

    public void Enqueue(DeliveryWork work)
    {
        var domain = work.Recipients[0].Domain;
        var destination = _destinations.GetOrAdd(domain, d => new Destination(d));
        lock (destination)
        {
            destination.Waiting.Enqueue(work);
            if (destination.Idle.Last is { } idle)
            {
                destination.Idle.RemoveLast();
                idle.Value.TrySetResult();
                return;
            }
            // One more connection when work waits beyond what the open ones will pick up.
            if (destination.Active >= share.Of(options.Delivery.MaxConnectionsPerDomain) || destination.Waiting.Count <= destination.Active)
                return;
            destination.Active++;
        }
        var task = RunConnectionAsync(destination);
        _running[task] = true;
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), TaskScheduler.Default);
    }

    async Task RunConnectionAsync(Destination destination)
    {
        await Task.Yield();
        // A connection outlives the submission that started it: its deliveries' spans take their own message's parent.
        System.Diagnostics.Activity.Current = null;
        var acquired = false;
        try
        {
            await _connections.WaitAsync(_stopping.Token);
            acquired = true;
            await deliverer.RunAsync(destination.Domain, () => TakeAsync(destination), _stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // Shutting down: the leases run out and the work is claimed again after restart.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Delivery to {Domain} failed unexpectedly", destination.Domain);
        }
        finally
        {
            if (acquired)
                _connections.Release();
            bool again;
            lock (destination)
            {
                destination.Active--;
                // Work that arrived while this connection was closing must not be stranded.
                again = destination.Waiting.Count > 0 && destination.Active == 0 && !_stopping.IsCancellationRequested;
                if (again)
                    destination.Active++;
            }
            if (again)
                _ = RunConnectionAsync(destination);
        }
    }

    /// <summary>The next message for the destination; when none waits, waits for one up to the idle time; null ends the connection.</summary>
    async ValueTask<DeliveryWork?> TakeAsync(Destination destination)
    {
        var until = time.GetUtcNow() + options.Delivery.ConnectionIdleTime;
        while (true)
        {
            TaskCompletionSource wake;
            TimeSpan left;
            lock (destination)
            {
                if (destination.Waiting.TryDequeue(out var work))
                    return work;
                left = until - time.GetUtcNow();
                if (left <= TimeSpan.Zero || _draining.IsCancellationRequested)
                    return null;
                wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                destination.Idle.AddLast(wake);
            }
            try
            {
                await wake.Task.WaitAsync(left, time, _draining.Token);
            }
            catch (TimeoutException)
            {
                // Once more round: work may have come just as the wait ran out.
            }
            catch (OperationCanceledException) when (_draining.IsCancellationRequested)
            {
                // Stopping: once more round takes what still waits, or ends the connection.
            }
            finally
            {
                lock (destination)
                    destination.Idle.Remove(wake);
            }
        }
    }

    /// <summary>
    /// When <c>outpost serve</c> stops (SIGTERM): connections stop waiting idle, those delivering finish the
    /// messages their destination has waiting; when <paramref name="cancellationToken"/> fires (the host's
    /// stop timeout) the rest are cancelled. A cancelled delivery's recipients keep their lease, which the
    /// next start releases (<see cref="DeliveryScheduler"/>), so nothing is lost either way.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        await _draining.CancelAsync();
        foreach (var destination in _destinations.Values)
            lock (destination)
                foreach (var idle in destination.Idle)
                    idle.TrySetResult();
        try
        {
            await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            logger.LogWarning("Stopping: {Count} deliveries did not finish in time and were cancelled; they are tried again after the restart", _running.Count);
            await _stopping.CancelAsync();
            await Task.WhenAll(_running.Keys);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _draining.CancelAsync();
        await _stopping.CancelAsync();
        await Task.WhenAll(_running.Keys);
        _stopping.Dispose();
        _draining.Dispose();
    }
}
