using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Configuration;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Delivery;

/// <summary>
/// Brings back work that waits in the queue: at start every lease this node held before a crash is
/// released, then the queue is polled for recipients whose retry fell due (or whose lease ran out) and
/// they are dispatched. New messages do not wait for it: submission dispatches them at once.
/// </summary>
public sealed class DeliveryScheduler(IQueueStore store, IDeliveryDispatcher dispatcher, OutpostOptions options, TimeProvider time, ILogger<DeliveryScheduler> logger) : BackgroundService
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(15);
    const int Batch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var released = await store.ReleaseAllLeasesAsync(stoppingToken);
        if (released > 0)
            logger.LogInformation("Resuming {Count} recipient(s) that were in flight before the restart", released);
        while (!stoppingToken.IsCancellationRequested)
        {
            int claimed;
            try
            {
                var now = time.GetUtcNow();
                var work = await store.ClaimDueAsync(now, now + Lease, Batch, stoppingToken);
                foreach (var item in work)
                    dispatcher.Dispatch(item);
                claimed = work.Sum(w => w.Recipients.Count);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Cannot read the queue");
                claimed = 0;
            }
            if (claimed < Batch)
            {
                try
                {
                    await Task.Delay(options.Delivery.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
