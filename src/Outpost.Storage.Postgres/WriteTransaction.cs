using Npgsql;

namespace Outpost.Storage.Postgres;

/// <summary>
/// One write transaction of <see cref="PostgresDatabase.WriteAsync{T}"/>: its connection, the transaction,
/// and the outbox whose events are written last, just before the commit.
/// </summary>
sealed class WriteTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction)
{
    public NpgsqlConnection Connection => connection;
    public NpgsqlTransaction Transaction => transaction;
    public EventOutbox Outbox { get; } = new();

    public NpgsqlCommand Command(string sql) => new(sql, connection, transaction);

    public NpgsqlBatch Batch() => new(connection, transaction);
}
