namespace Outpost.Engine.Queue;

/// <summary>
/// The nodes sharing the queue, for operators (<c>outpost nodes</c>, the Nodes page): each with its last
/// heartbeat, the leases it holds now, its version and when it started. A node whose last beat is older
/// than the lease time is gone: a live node beats three times a lease time (<see cref="LeaseRules"/>), so
/// one that missed a whole lease time has lost its work to the others. It reads the node store only and
/// shows no secret (node names, versions and host names).
/// </summary>
public sealed class NodeList(INodeStore store, LeaseRules leases, TimeProvider time)
{
    /// <summary>More than any real cluster has: a bound on what one listing reads.</summary>
    public const int MostNodes = 1000;

    public async Task<IReadOnlyList<NodeState>> ListAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var rows = await store.ListAsync(now, MostNodes, cancellationToken);
        return rows.Select(r => new NodeState(r.Id, r.Version, r.Host, r.StartedAt, r.LastBeat, r.LeasesHeld, IsGone(r.LastBeat, now))).ToList();
    }

    /// <summary>Gone: no beat for longer than a lease time.</summary>
    public bool IsGone(DateTimeOffset lastBeat, DateTimeOffset now) => now - lastBeat > leases.LeaseTime;
}
