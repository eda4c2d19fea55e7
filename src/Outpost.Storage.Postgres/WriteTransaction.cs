using Npgsql;

namespace Outpost.Storage.Postgres;

/// <summary>
/// One write transaction of <see cref="PostgresDatabase.WriteAsync{T}"/>: its connection, the transaction,
/// and the outbox whose events are written last, just before the commit; and whether idle nodes are woken
/// when it commits.
/// </summary>
sealed class WriteTransaction(NpgsqlConnection connection, NpgsqlTransaction transaction)
{
    public NpgsqlConnection Connection => connection;
    public NpgsqlTransaction Transaction => transaction;
    public EventOutbox Outbox { get; } = new();

    /// <summary>Set by writes that make work claimable by any node; the notice is sent in the transaction, so it goes out at the commit or not at all.</summary>
    public bool Wakes { get; private set; }

    public void WakeIdleNodes() => Wakes = true;

    public NpgsqlCommand Command(string sql) => new(sql, connection, transaction);

    public NpgsqlBatch Batch() => new(connection, transaction);
}
