using Outpost.Engine.Delivery.Tls;

namespace Outpost.Storage.Postgres;

/// <summary>The per-destination TLS policy table in PostgreSQL (<c>tls_policies</c>); patterns kept one per line.</summary>
public sealed class PostgresTlsPolicyStore(PostgresDatabase db) : ITlsPolicyStore
{
    public async Task<IReadOnlyList<TlsPolicyEntry>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var command = db.Read("SELECT domain, mode, match, created_at FROM tls_policies ORDER BY domain COLLATE \"C\"");
        return await command.ListAsync(r => new TlsPolicyEntry(r.GetString(0), r.GetString(1), r.Text(2) is { } match ? match.Split('\n') : [], r.Time(3)), cancellationToken);
    }

    public Task SetAsync(TlsPolicyEntry entry, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command(
                "INSERT INTO tls_policies (domain, mode, match, created_at) VALUES (@domain, @mode, @match, @at) " +
                "ON CONFLICT (domain) DO UPDATE SET mode = EXCLUDED.mode, match = EXCLUDED.match, created_at = EXCLUDED.created_at");
            command.Parameters.Text("domain", entry.Domain).Text("mode", entry.Mode)
                .Text("match", entry.Match.Count == 0 ? null : string.Join('\n', entry.Match)).Time("at", entry.CreatedAt);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async Task<bool> RemoveAsync(string domain, CancellationToken cancellationToken = default) =>
        await db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command("DELETE FROM tls_policies WHERE domain = @domain");
            command.Parameters.Text("domain", domain);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken) > 0;
}
