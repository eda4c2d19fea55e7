using Dapper;
using Microsoft.Data.Sqlite;
using Outpost.Engine.Suppression;

namespace Outpost.Storage.Sqlite;

/// <summary>The suppression lists in SQLite, keyed by sending domain and address.</summary>
public sealed class SqliteSuppressionStore(SqliteDatabase db) : ISuppressionStore
{
    sealed class Row
    {
        public string domain { get; init; } = "";
        public string address { get; init; } = "";
        public string reason { get; init; } = "";
        public string source { get; init; } = "";
        public string? message_id { get; init; }
        public string? created_by { get; init; }
        public long created_at { get; init; }
        public long? expires_at { get; init; }

        public Suppression ToSuppression() => new(domain, address, reason, source, Time.FromMs(created_at),
            expires_at is { } e ? Time.FromMs(e) : null, message_id, created_by);
    }

    const string Columns = "domain, address, reason, source, message_id, created_by, created_at, expires_at";

    public async Task<Suppression?> FindAsync(string domain, string address, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        return (await c.QuerySingleOrDefaultAsync<Row>($"SELECT {Columns} FROM suppressions WHERE domain = @domain AND address = @address",
            new { domain, address }))?.ToSuppression();
    }

    public Task UpsertAsync(Suppression s, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => Upsert(c, t, s), cancellationToken);

    /// <summary>The upsert inside a caller's transaction: a complaint suppresses its complainer in the complaint's own.</summary>
    internal static int Upsert(SqliteConnection c, SqliteTransaction t, Suppression s) => c.Execute(
        $"INSERT INTO suppressions ({Columns}) VALUES (@Domain, @Address, @Reason, @Source, @MessageId, @CreatedBy, @at, @expires) " +
        "ON CONFLICT (domain, address) DO UPDATE SET reason = excluded.reason, source = excluded.source, message_id = excluded.message_id, " +
        "created_by = excluded.created_by, created_at = excluded.created_at, expires_at = excluded.expires_at",
        new { s.Domain, s.Address, s.Reason, s.Source, s.MessageId, s.CreatedBy, at = s.CreatedAt.ToMs(), expires = s.ExpiresAt?.ToMs() }, t);

    public Task<bool> RemoveAsync(string domain, string address, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute("DELETE FROM suppressions WHERE domain = @domain AND address = @address", new { domain, address }, t) == 1,
            cancellationToken);

    public async Task<IReadOnlyList<Suppression>> ListAsync(string? domain, string? search, int limit, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var rows = await c.QueryAsync<Row>(
            $"SELECT {Columns} FROM suppressions WHERE (@domain IS NULL OR domain = @domain) AND (@search IS NULL OR instr(address, @search) > 0) " +
            "ORDER BY created_at DESC LIMIT @limit", new { domain, search, limit });
        return rows.Select(r => r.ToSuppression()).ToList();
    }
}
