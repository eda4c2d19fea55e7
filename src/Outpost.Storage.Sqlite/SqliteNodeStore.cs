using Dapper;
using Outpost.Engine.Queue;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// The node's row in SQLite (one node per data directory), replaced by its heartbeat; the leases it holds
/// are counted from the recipients that bear its name, at the time asked.
/// </summary>
public sealed class SqliteNodeStore(SqliteDatabase db) : INodeStore
{
    static readonly string Open = RecipientStatusNames.SqlList(RecipientStatusNames.Open);

    sealed record Row(string id, string version, string host, long started_at, long last_beat, long leases);

    public Task RecordBeatAsync(NodeBeat beat, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute(
            "INSERT INTO nodes (id, version, host, started_at, last_beat) VALUES (@id, @version, @host, @started, @at) " +
            "ON CONFLICT (id) DO UPDATE SET version = excluded.version, host = excluded.host, started_at = excluded.started_at, last_beat = excluded.last_beat",
            new { id = beat.Id, version = beat.Version, host = beat.Host, started = beat.StartedAt.ToMs(), at = beat.At.ToMs() }, t), cancellationToken);

    public async Task<IReadOnlyList<NodeRow>> ListAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var rows = await c.QueryAsync<Row>(
            "SELECT n.id, n.version, n.host, n.started_at, n.last_beat, " +
            $"(SELECT COUNT(*) FROM recipients r WHERE r.lease_node = n.id AND r.lease_until IS NOT NULL AND r.lease_until >= @now AND r.status IN {Open}) AS leases " +
            "FROM nodes n ORDER BY n.id LIMIT @limit", new { now = now.ToMs(), limit });
        return rows.Select(r => new NodeRow(r.id, r.version, r.host, Time.FromMs(r.started_at), Time.FromMs(r.last_beat), (int)r.leases)).ToList();
    }
}
