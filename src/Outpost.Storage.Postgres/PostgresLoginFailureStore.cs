using Outpost.Engine.Accounts;

namespace Outpost.Storage.Postgres;

/// <summary>
/// Failed logins in PostgreSQL, one row a failure and key, counted by every node: the login throttle's
/// limits hold across the nodes behind one address. Each failure also deletes the rows that fell out of the
/// window (a bounded table, through the index on time). The keys hold client addresses, never a login name
/// or a password.
/// </summary>
public sealed class PostgresLoginFailureStore(PostgresDatabase db) : ILoginFailureStore
{
    public Task<IReadOnlyList<int>> AddAsync(IReadOnlyList<string> keys, DateTimeOffset at, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        db.WriteAsync<IReadOnlyList<int>>(async (tx, ct) =>
        {
            await using (var batch = tx.Batch())
            {
                batch.Add("DELETE FROM login_failures WHERE at < @since").Parameters.Time("since", since);
                batch.Add("INSERT INTO login_failures (key, at) SELECT k, @at FROM unnest(@keys) AS k").Parameters.TextArray("keys", [.. keys]).Time("at", at);
                await batch.ExecuteNonQueryAsync(ct);
            }
            return await CountAsync(tx.Command(CountSql), keys, since, ct);
        }, cancellationToken);

    public async Task<IReadOnlyList<int>> CountAsync(IReadOnlyList<string> keys, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read(CountSql);
        return await CountAsync(command, keys, since, cancellationToken);
    }

    const string CountSql =
        "SELECT (SELECT count(*) FROM login_failures f WHERE f.key = k.key AND f.at >= @since) FROM unnest(@keys) WITH ORDINALITY AS k(key, n) ORDER BY k.n";

    static async Task<IReadOnlyList<int>> CountAsync(Npgsql.NpgsqlCommand command, IReadOnlyList<string> keys, DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using (command)
        {
            command.Parameters.TextArray("keys", [.. keys]).Time("since", since);
            return await command.ListAsync(r => (int)r.GetInt64(0), cancellationToken);
        }
    }
}
