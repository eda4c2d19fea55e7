namespace Outpost.Engine.Queue;

/// <summary>
/// A node as <c>outpost nodes</c> and the Nodes page show it: its row, and whether it is gone (no beat for
/// longer than a lease time, so its leases have run out for the other nodes to take).
/// </summary>
public sealed record NodeState(string Id, string Version, string Host, DateTimeOffset StartedAt, DateTimeOffset LastBeat, int LeasesHeld, bool Gone)
{
    public string Status => Gone ? "gone" : "live";
}
