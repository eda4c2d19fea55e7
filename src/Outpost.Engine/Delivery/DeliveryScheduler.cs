using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Configuration;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Delivery;

/// <summary>
/// Brings back work that waits in the queue: at start the leases this node held before a crash (those that
/// bear its name, never another node's) are released, then the queue is claimed for recipients whose retry
/// fell due or whose lease ran out (another node died), fairly across sender domains, and they are
/// dispatched. It claims again at once after a full batch, on a notice from another node
/// (<see cref="IQueueWakeups"/>), or after the poll interval. New messages do not wait for it: submission
/// dispatches them at once. It talks to the queue store only; it holds no secrets.
/// </summary>
public sealed class DeliveryScheduler(IQueueStore store, IDeliveryDispatcher dispatcher, IQueueWakeups wakeups, LeaseRules leases, NodeIdentity node,
    OutpostOptions options, TimeProvider time, ILogger<DeliveryScheduler> logger) : BackgroundService
{
    const int Batch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var released = await store.ReleaseOwnLeasesAsync(stoppingToken);
        if (released > 0)
            logger.LogInformation("Resuming {Count} recipient(s) node {Node} had in flight before it stopped", released, node.Id);
        while (!stoppingToken.IsCancellationRequested)
        {
            int claimed;
            try
            {
                var now = time.GetUtcNow();
                var work = await store.ClaimDueAsync(now, leases.Until(now), Batch, stoppingToken);
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
                    await wakeups.WaitAsync(options.Delivery.PollInterval, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
