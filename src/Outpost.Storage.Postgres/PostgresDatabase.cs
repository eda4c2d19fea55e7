using System.Net.Sockets;
using Npgsql;

namespace Outpost.Storage.Postgres;

/// <summary>
/// The shared database of Outpost nodes: one PostgreSQL reached through an <see cref="NpgsqlDataSource"/>
/// (its connection pool) made from <c>Storage:ConnectionString</c>. Opening it migrates the schema under an
/// advisory lock, so nodes that start together migrate once, and refuses a schema newer than this Outpost
/// knows. Writes run in READ COMMITTED transactions that end with the events outbox
/// (<see cref="EventOutbox"/>); a transaction PostgreSQL aborted for a deadlock or a serialization failure
/// is run again. Security: the connection string carries the password, so it is never logged and never
/// part of a sentence; the login needs only rights on Outpost's own database.
/// </summary>
public sealed class PostgresDatabase : IDisposable
{
    const int MaxTries = 3;

    PostgresDatabase(NpgsqlDataSource source) => DataSource = source;

    internal NpgsqlDataSource DataSource { get; }

    /// <summary>Connects, migrates, and returns the database; or throws <see cref="PostgresStartupException"/> with the reason.</summary>
    public static PostgresDatabase Open(string connectionString)
    {
        NpgsqlConnectionStringBuilder settings;
        try
        {
            settings = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            // The message names the keyword, never its value.
            throw new PostgresStartupException($"Storage:ConnectionString is not a PostgreSQL connection string ({e.Message}).");
        }
        // So an operator sees Outpost's sessions in pg_stat_activity.
        if (string.IsNullOrEmpty(settings.ApplicationName))
            settings.ApplicationName = "outpost";
        var source = new NpgsqlDataSourceBuilder(settings.ConnectionString).Build();
        try
        {
            SchemaMigrator.Migrate(source);
            return new PostgresDatabase(source);
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            source.Dispose();
            throw new PostgresStartupException(
                $"PostgreSQL at {settings.Host ?? "localhost"}:{settings.Port} cannot be used ({Reason(e)}); check Storage:ConnectionString and that the server is running.", e);
        }
        catch
        {
            source.Dispose();
            throw;
        }
    }

    static string Reason(Exception e) => e switch
    {
        PostgresException p => $"{p.SqlState}: {p.MessageText}",
        { InnerException: SocketException s } => s.Message,
        _ => e.Message,
    };

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction, writes its events and commits. <paramref name="work"/>
    /// may run more than once (after a deadlock PostgreSQL rolled back), so it must touch nothing but the database.
    /// </summary>
    internal async Task<T> WriteAsync<T>(Func<WriteTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var scope = new WriteTransaction(connection, transaction);
            try
            {
                var result = await work(scope, cancellationToken);
                // PostgreSQL holds a notice until the commit and drops it with a rollback: nobody wakes for work that is not there.
                if (scope.Wakes)
                {
                    await using var notify = new NpgsqlCommand($"NOTIFY {PostgresWakeups.Channel}", connection, transaction);
                    await notify.ExecuteNonQueryAsync(cancellationToken);
                }
                await scope.Outbox.FlushAsync(connection, transaction, cancellationToken);
                // Not cancelled halfway: a commit the caller gave up on might still have happened.
                await transaction.CommitAsync(CancellationToken.None);
                return result;
            }
            catch (PostgresException e) when (attempt < MaxTries && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure)
            {
                // The whole transaction was rolled back; wait a moment so the other one can finish.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 50) * attempt), cancellationToken);
            }
        }
    }

    /// <summary>A command on a pooled connection of its own, for single-statement reads.</summary>
    internal NpgsqlCommand Read(string sql) => DataSource.CreateCommand(sql);

    public void Dispose() => DataSource.Dispose();
}
