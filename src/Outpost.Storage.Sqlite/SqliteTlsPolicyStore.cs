using Dapper;
using Outpost.Engine.Delivery.Tls;

namespace Outpost.Storage.Sqlite;

/// <summary>The per-destination TLS policy table in SQLite (<c>tls_policies</c>); patterns kept one per line.</summary>
public sealed class SqliteTlsPolicyStore(SqliteDatabase db) : ITlsPolicyStore
{
    sealed record Row(string domain, string mode, string? match, long created_at)
    {
        public TlsPolicyEntry ToEntry() => new(domain, mode, match is null ? [] : match.Split('\n'), Time.FromMs(created_at));
    }

    public async Task<IReadOnlyList<TlsPolicyEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var rows = await c.QueryAsync<Row>("SELECT domain, mode, match, created_at FROM tls_policies ORDER BY domain");
        return rows.Select(r => r.ToEntry()).ToList();
    }

    public Task SetAsync(TlsPolicyEntry entry, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute(
            "INSERT INTO tls_policies (domain, mode, match, created_at) VALUES (@domain, @mode, @match, @at) " +
            "ON CONFLICT (domain) DO UPDATE SET mode = excluded.mode, match = excluded.match, created_at = excluded.created_at",
            new { domain = entry.Domain, mode = entry.Mode, match = entry.Match.Count == 0 ? null : string.Join('\n', entry.Match), at = entry.CreatedAt.ToMs() }, t),
            cancellationToken);

    public async Task<bool> RemoveAsync(string domain, CancellationToken cancellationToken = default) =>
        await db.WriteAsync((c, t) => c.Execute("DELETE FROM tls_policies WHERE domain = @domain", new { domain }, t), cancellationToken) > 0;
}
