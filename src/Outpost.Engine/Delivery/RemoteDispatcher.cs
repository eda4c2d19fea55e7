using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Configuration;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Delivery;

/// <summary>
/// Remote work waits here per destination domain. Each domain gets up to
/// <see cref="DeliveryOptions.MaxConnectionsPerDomain"/> connections, and every connection keeps
/// taking that domain's waiting messages until none is left, so messages to one destination share
/// connections. A global limit caps outbound connections in all.
/// </summary>
public sealed class RemoteDispatcher(OutpostOptions options, RemoteDeliverer deliverer, ILogger<RemoteDispatcher> logger) : IAsyncDisposable
{
    readonly ConcurrentDictionary<string, Destination> _destinations = new();
    readonly SemaphoreSlim _connections = new(options.Delivery.MaxConnections);
    readonly CancellationTokenSource _stopping = new();
    readonly ConcurrentDictionary<Task, bool> _running = new();

    sealed class Destination(string domain)
    {
        public string Domain { get; } = domain;
        public Queue<DeliveryWork> Waiting { get; } = new();
        public int Active;
    }

    public void Enqueue(DeliveryWork work)
    {
        var domain = work.Recipients[0].Domain;
        var destination = _destinations.GetOrAdd(domain, d => new Destination(d));
        lock (destination)
        {
            destination.Waiting.Enqueue(work);
            // One more connection when work waits beyond what the open ones will pick up.
            if (destination.Active >= options.Delivery.MaxConnectionsPerDomain || destination.Waiting.Count <= destination.Active)
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
        var acquired = false;
        try
        {
            await _connections.WaitAsync(_stopping.Token);
            acquired = true;
            await deliverer.RunAsync(destination.Domain, () => Take(destination), _stopping.Token);
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

    static DeliveryWork? Take(Destination destination)
    {
        lock (destination)
            return destination.Waiting.TryDequeue(out var work) ? work : null;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await Task.WhenAll(_running.Keys);
        _stopping.Dispose();
    }
}
