using Dapper;
using Outpost.Engine.Policy;

namespace Outpost.Storage.Sqlite;

/// <summary>The bulk-duplicate counts in SQLite: one row per content fingerprint and external mailbox.</summary>
public sealed class SqliteBulkStore(SqliteDatabase db) : IBulkStore
{
    sealed record Row(long fingerprint, string recipient, long seen_at);

    public async Task<IReadOnlyList<(ulong Fingerprint, string Recipient, DateTimeOffset SeenAt)>> LoadAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var rows = await c.QueryAsync<Row>("SELECT fingerprint, recipient, seen_at FROM bulk_recipients WHERE seen_at >= @since", new { since = since.ToMs() });
        return rows.Select(r => (unchecked((ulong)r.fingerprint), r.recipient, Time.FromMs(r.seen_at))).ToList();
    }

    public Task AddAsync(IReadOnlyList<(ulong Fingerprint, string Recipient, DateTimeOffset SeenAt)> rows, DateTimeOffset pruneBefore, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) =>
        {
            using var insert = Prepared.Command(c, t,
                "INSERT INTO bulk_recipients (fingerprint, recipient, seen_at) VALUES ($f, $r, $at) " +
                "ON CONFLICT (fingerprint, recipient) DO UPDATE SET seen_at = MAX(seen_at, excluded.seen_at)");
            foreach (var (fingerprint, recipient, at) in rows)
                Prepared.Run(insert, unchecked((long)fingerprint), recipient, at.ToMs());
            return c.Execute("DELETE FROM bulk_recipients WHERE seen_at < @before", new { before = pruneBefore.ToMs() }, t);
        }, cancellationToken);
}
