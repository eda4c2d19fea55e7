namespace Outpost.Engine.Delivery;

/// <summary>
/// This node's share of the per-destination connection limit when several nodes share the queue: the limit
/// (<see cref="Configuration.DeliveryOptions.MaxConnectionsPerDomain"/>) divided by the live nodes, rounded
/// down and never below one, so the nodes together open about as many connections to one destination as one
/// node would. The heartbeat tells it how many nodes are live (<see cref="Queue.NodeList"/>); until it knows,
/// and on SQLite, the node is alone and takes the whole limit. A share, not a shared counter: no database
/// round trip per connection, and a node that dies gives its share back one lease time later.
/// </summary>
public sealed class ConnectionShare
{
    int _liveNodes = 1;

    public int LiveNodes => Volatile.Read(ref _liveNodes);

    /// <summary>How many live nodes the last heartbeat saw (this one included).</summary>
    public void Seen(int liveNodes) => Volatile.Write(ref _liveNodes, Math.Max(1, liveNodes));

    /// <summary>This node's connections to one destination out of <paramref name="limit"/>.</summary>
    public int Of(int limit) => Math.Max(1, limit / LiveNodes);
}
