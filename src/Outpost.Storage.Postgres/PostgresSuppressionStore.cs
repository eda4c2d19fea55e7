using Npgsql;
using Outpost.Engine.Suppression;

namespace Outpost.Storage.Postgres;

/// <summary>The suppression lists in PostgreSQL, keyed by sending domain and address.</summary>
public sealed class PostgresSuppressionStore(PostgresDatabase db) : ISuppressionStore
{
    const string Columns = "domain, address, reason, source, message_id, created_by, created_at, expires_at";

    static Suppression Read(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.Time(6), r.TimeOrNull(7), r.Text(4), r.Text(5));

    public async Task<Suppression?> FindAsync(string domain, string address, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT {Columns} FROM suppressions WHERE domain = @domain AND address = @address");
        command.Parameters.Text("domain", domain).Text("address", address);
        return (await command.ListAsync(Read, cancellationToken)).SingleOrDefault();
    }

    public Task UpsertAsync(Suppression s, CancellationToken cancellationToken = default) =>
        db.WriteAsync((tx, ct) => UpsertAsync(tx, s, ct), cancellationToken);

    /// <summary>An entry inside a caller's transaction (a complaint and the suppression it causes commit together).</summary>
    internal static async Task<int> UpsertAsync(WriteTransaction tx, Suppression s, CancellationToken cancellationToken)
    {
        await using var command = tx.Command(
            $"INSERT INTO suppressions ({Columns}) VALUES (@domain, @address, @reason, @source, @message, @by, @at, @expires) " +
            "ON CONFLICT (domain, address) DO UPDATE SET reason = EXCLUDED.reason, source = EXCLUDED.source, message_id = EXCLUDED.message_id, " +
            "created_by = EXCLUDED.created_by, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at");
        command.Parameters.Text("domain", s.Domain).Text("address", s.Address).Text("reason", s.Reason).Text("source", s.Source)
            .Text("message", s.MessageId).Text("by", s.CreatedBy).Time("at", s.CreatedAt).Time("expires", s.ExpiresAt);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<bool> RemoveAsync(string domain, string address, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command("DELETE FROM suppressions WHERE domain = @domain AND address = @address");
            command.Parameters.Text("domain", domain).Text("address", address);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    public async Task<IReadOnlyList<Suppression>> ListAsync(string? domain, string? search, int limit, CancellationToken cancellationToken = default)
    {
        // strpos, not LIKE: % and _ in a search are plain characters.
        await using var command = db.Read(
            $"SELECT {Columns} FROM suppressions WHERE (@domain IS NULL OR domain = @domain) AND (@search IS NULL OR strpos(address, @search) > 0) " +
            "ORDER BY created_at DESC LIMIT @limit");
        command.Parameters.Text("domain", domain).Text("search", search).Int("limit", limit);
        return await command.ListAsync(Read, cancellationToken);
    }
}
