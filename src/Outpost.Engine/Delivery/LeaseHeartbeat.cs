using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Delivery;

/// <summary>
/// The node's heartbeat: every third of a lease time it renews the leases this node holds on recipients
/// it is delivering (<see cref="LeaseRules"/>), so they outlast a slow delivery while the node lives and
/// run out one lease time after it dies, for another node to resume. A failed renewal is logged and tried
/// again at the next beat: two more beats fit in the lease. It talks to the queue store only; it holds no secrets.
/// </summary>
public sealed class LeaseHeartbeat(IQueueStore store, LeaseRules leases, NodeIdentity node, TimeProvider time, ILogger<LeaseHeartbeat> logger) : BackgroundService
{
    // Made with the service, not when its loop starts (on another thread): the first beat is due one
    // interval after the node began, whenever the loop gets going.
    readonly PeriodicTimer _beats = new(leases.HeartbeatEvery, time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _beats.WaitForNextTickAsync(stoppingToken))
                await BeatAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>One renewal; returns how many leases it renewed (or -1 when the store could not be reached).</summary>
    public async Task<int> BeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            var now = time.GetUtcNow();
            return await store.RenewLeasesAsync(leases.Until(now), leases.RenewClaimsSince(now), cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Node {Node} could not renew its leases; it tries again in {Every}", node.Id, leases.HeartbeatEvery);
            return -1;
        }
    }

    public override void Dispose()
    {
        _beats.Dispose();
        base.Dispose();
    }
}
