using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Delivery;

/// <summary>
/// The node's heartbeat: every third of a lease time it renews the leases this node holds on recipients
/// it is delivering (<see cref="LeaseRules"/>), so they outlast a slow delivery while the node lives and
/// run out one lease time after it dies, for another node to resume. A failed renewal is logged and tried
/// again at the next beat: two more beats fit in the lease. Each beat (and one at start) also writes the
/// node's row in the nodes table (<see cref="INodeStore"/>: version, host, started, last beat), which
/// <c>outpost nodes</c> reads, and counts the live nodes for this node's share of the per-destination
/// connections (<see cref="ConnectionShare"/>). It talks to the queue and node stores only; it holds no secrets.
/// </summary>
public sealed class LeaseHeartbeat(IQueueStore store, INodeStore nodes, LeaseRules leases, NodeIdentity node, TimeProvider time, ILogger<LeaseHeartbeat> logger,
    ConnectionShare? share = null) : BackgroundService
{
    readonly DateTimeOffset _startedAt = time.GetUtcNow();
    readonly NodeList _list = new(nodes, leases, time);

    // Made with the service, not when its loop starts (on another thread): the first beat is due one
    // interval after the node began, whenever the loop gets going.
    readonly PeriodicTimer _beats = new(leases.HeartbeatEvery, time);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // The node shows in the list from its start, not one interval later.
            await RecordNodeAsync(stoppingToken);
            while (await _beats.WaitForNextTickAsync(stoppingToken))
            {
                await BeatAsync(stoppingToken);
                await RecordNodeAsync(stoppingToken);
            }
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

    /// <summary>This node's row in the nodes table; false when the store could not be reached (tried again at the next beat).</summary>
    public async Task<bool> RecordNodeAsync(CancellationToken cancellationToken)
    {
        try
        {
            await nodes.RecordBeatAsync(new NodeBeat(node.Id, Metrics.BuildInfo.Version, Environment.MachineName, _startedAt, time.GetUtcNow()), cancellationToken);
            if (share is not null)
            {
                var now = time.GetUtcNow();
                var all = await nodes.ListAsync(now, NodeList.MostNodes, cancellationToken);
                share.Seen(all.Count(n => !_list.IsGone(n.LastBeat, now)));
            }
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Node {Node} could not record its heartbeat in the nodes table; it tries again in {Every}", node.Id, leases.HeartbeatEvery);
            return false;
        }
    }

    public override void Dispose()
    {
        _beats.Dispose();
        base.Dispose();
    }
}
