using Npgsql;
using Outpost.Engine.Accounts;

namespace Outpost.Storage.Postgres;

/// <summary>API keys in PostgreSQL, by their public id. Security: only the SHA-256 of a key's secret is kept, never the secret.</summary>
public sealed class PostgresApiKeyStore(PostgresDatabase db) : IApiKeyStore
{
    const string Columns = "id, scope, subject, secret_hash, created_at, revoked_at";

    static ApiKey Read(NpgsqlDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.Time(4), r.TimeOrNull(5));

    public Task AddAsync(ApiKey key, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command("INSERT INTO api_keys (id, scope, subject, secret_hash, created_at) VALUES (@id, @scope, @subject, @hash, @at)");
            command.Parameters.Text("id", key.Id).Text("scope", key.Scope).Text("subject", key.Subject).Text("hash", key.SecretHash).Time("at", key.CreatedAt);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT {Columns} FROM api_keys WHERE id = @id");
        command.Parameters.Text("id", id);
        return (await command.ListAsync(Read, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default)
    {
        // The id breaks ties between keys made in the same instant, so the order is the same on every read.
        await using var command = db.Read($"SELECT {Columns} FROM api_keys ORDER BY created_at, id COLLATE \"C\"");
        return await command.ListAsync(Read, cancellationToken);
    }

    public async Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command("UPDATE api_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL");
            command.Parameters.Text("id", id).Time("at", at);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken) > 0;
}
