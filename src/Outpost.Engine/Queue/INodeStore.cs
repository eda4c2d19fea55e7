namespace Outpost.Engine.Queue;

/// <summary>
/// The nodes that share the queue, one row each, written by each node's heartbeat: its name, version, host,
/// when it started and when it last beat. On SQLite that is the one node. Which nodes are gone is the
/// Engine's judgement (<see cref="NodeList"/>), not the store's.
/// </summary>
public interface INodeStore
{
    /// <summary>Writes this node's row (made at its first beat, replaced at each one).</summary>
    Task RecordBeatAsync(NodeBeat beat, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every node's row (at most <paramref name="limit"/>, by name), each with the leases it holds at
    /// <paramref name="now"/>: open recipients whose lease bears its name and has not run out.
    /// </summary>
    Task<IReadOnlyList<NodeRow>> ListAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default);
}
