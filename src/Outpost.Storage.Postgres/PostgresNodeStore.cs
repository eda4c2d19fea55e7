using Outpost.Engine.Queue;

namespace Outpost.Storage.Postgres;

/// <summary>
/// The nodes sharing this database, one row each, replaced by each node's heartbeat; the leases a node holds
/// are counted from the recipients that bear its name (the <c>recipients_leased</c> index), at the time asked.
/// </summary>
public sealed class PostgresNodeStore(PostgresDatabase db) : INodeStore
{
    static readonly string Open = RecipientStatusNames.SqlList(RecipientStatusNames.Open);

    public Task RecordBeatAsync(NodeBeat beat, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var upsert = tx.Command(
                "INSERT INTO nodes (id, version, host, started_at, last_beat) VALUES (@id, @version, @host, @started, @at) " +
                "ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, host = EXCLUDED.host, started_at = EXCLUDED.started_at, last_beat = EXCLUDED.last_beat");
            upsert.Parameters.Text("id", beat.Id).Text("version", beat.Version).Text("host", beat.Host).Time("started", beat.StartedAt).Time("at", beat.At);
            return await upsert.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async Task<IReadOnlyList<NodeRow>> ListAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read(
            "SELECT n.id, n.version, n.host, n.started_at, n.last_beat, " +
            $"(SELECT count(*) FROM recipients r WHERE r.lease_node = n.id AND r.lease_until IS NOT NULL AND r.lease_until >= @now AND r.status IN {Open}) " +
            "FROM nodes n ORDER BY n.id COLLATE \"C\" LIMIT @limit");
        command.Parameters.Time("now", now).Int("limit", limit);
        return await command.ListAsync(r => new NodeRow(r.GetString(0), r.GetString(1), r.GetString(2), r.Time(3), r.Time(4), (int)r.GetInt64(5)), cancellationToken);
    }
}
