using Dapper;
using Outpost.Engine.Accounts;

namespace Outpost.Storage.Sqlite;

/// <summary>API keys in SQLite.</summary>
public sealed class SqliteApiKeyStore(SqliteDatabase db) : IApiKeyStore
{
    sealed record KeyRow(string id, string scope, string subject, string secret_hash, long created_at, long? revoked_at)
    {
        public ApiKey ToKey() => new(id, scope, subject, secret_hash, Time.FromMs(created_at), revoked_at is { } r ? Time.FromMs(r) : null);
    }

    public Task AddAsync(ApiKey key, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute("INSERT INTO api_keys (id, scope, subject, secret_hash, created_at) VALUES (@Id, @Scope, @Subject, @SecretHash, @at)",
            new { key.Id, key.Scope, key.Subject, key.SecretHash, at = key.CreatedAt.ToMs() }, t), cancellationToken);

    public async Task<ApiKey?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        return (await c.QuerySingleOrDefaultAsync<KeyRow>("SELECT id, scope, subject, secret_hash, created_at, revoked_at FROM api_keys WHERE id = @id", new { id }))?.ToKey();
    }

    public async Task<IReadOnlyList<ApiKey>> ListAsync(CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        return (await c.QueryAsync<KeyRow>("SELECT id, scope, subject, secret_hash, created_at, revoked_at FROM api_keys ORDER BY created_at")).Select(r => r.ToKey()).ToList();
    }

    public async Task<bool> RevokeAsync(string id, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        await db.WriteAsync((c, t) => c.Execute("UPDATE api_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", new { id, at = at.ToMs() }, t), cancellationToken) > 0;
}
