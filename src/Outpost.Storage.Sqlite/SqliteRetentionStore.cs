using Dapper;
using Outpost.Engine.Queue;
using Outpost.Engine.Retention;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// Retention in SQLite. Each purge call is one write transaction (BEGIN IMMEDIATE, so the "is it settled?"
/// check and the delete see the same state even with another process writing); the send log is walked in
/// arrival order along <c>messages_received</c>, from where the last batch stopped. Counts are reads on a
/// pooled connection, which never block the writer under WAL.
/// </summary>
public sealed class SqliteRetentionStore(SqliteDatabase db) : IRetentionStore
{
    // The engine's own list of what is final (held is not, so a held message is never settled).
    static readonly string Final = RecipientStatusNames.SqlList(RecipientStatusNames.Final);

    /// <summary>A message m with a recipient still open, or one that changed at or after @before.</summary>
    static readonly string Unsettled =
        $"EXISTS (SELECT 1 FROM recipients r WHERE r.message_id = m.id AND (r.status NOT IN {Final} OR r.updated_at >= @before))";

    // Properties, not a positional record: SQLite gives an expression column (unsettled) no declared type,
    // so Dapper finds no constructor to match it (as in SqliteReviewStore).
    sealed class Scanned
    {
        public string id { get; init; } = "";
        public long received_at { get; init; }
        public long unsettled { get; init; }
    }

    sealed record CountRow(long messages, long recipients, long attempts, long reviews);

    public Task<SendLogBatch> PurgeSendLogAsync(DateTimeOffset before, PurgePosition? after, int batchSize, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) =>
        {
            var scanned = c.Query<Scanned>(
                $"SELECT m.id, m.received_at, {Unsettled} AS unsettled FROM messages m " +
                "WHERE m.received_at < @before AND (m.received_at, m.id) > (@at, @id) ORDER BY m.received_at, m.id LIMIT @limit",
                new { before = before.ToMs(), at = after?.ReceivedAt.ToMs() ?? long.MinValue, id = after?.MessageId ?? "", limit = batchSize }, t).ToList();
            if (scanned.Count == 0)
                return new SendLogBatch(default, null);

            // Children first: attempts point at recipients, recipients and reviews at messages (foreign keys are on).
            using var attempts = Prepared.Command(c, t, "DELETE FROM attempts WHERE message_id = $id");
            using var reviews = Prepared.Command(c, t, "DELETE FROM reviews WHERE message_id = $id");
            using var recipients = Prepared.Command(c, t, "DELETE FROM recipients WHERE message_id = $id");
            using var messages = Prepared.Command(c, t, "DELETE FROM messages WHERE id = $id");
            var removed = default(MessageRows);
            var last = 0;
            for (var i = 0; i < scanned.Count && removed.Total < batchSize; i++)
            {
                last = i;
                if (scanned[i].unsettled != 0)
                    continue;
                var id = scanned[i].id;
                var a = Delete(attempts, id);
                var v = Delete(reviews, id);
                var r = Delete(recipients, id);
                removed += new MessageRows(Delete(messages, id), r, a, v);
            }
            // Done when every message scanned was dealt with and the scan came up short of a full batch.
            var done = last == scanned.Count - 1 && scanned.Count < batchSize;
            return new SendLogBatch(removed, done ? null : new PurgePosition(Time.FromMs(scanned[last].received_at), scanned[last].id));
        }, cancellationToken);

    static long Delete(Microsoft.Data.Sqlite.SqliteCommand command, string id)
    {
        command.Parameters[0].Value = id;
        return command.ExecuteNonQuery();
    }

    public async Task<MessageRows> CountSendLogAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var row = await c.QuerySingleAsync<CountRow>(
            $"WITH gone AS (SELECT m.id FROM messages m WHERE m.received_at < @before AND NOT {Unsettled}) " +
            "SELECT (SELECT COUNT(*) FROM gone) AS messages, " +
            "(SELECT COUNT(*) FROM recipients WHERE message_id IN (SELECT id FROM gone)) AS recipients, " +
            "(SELECT COUNT(*) FROM attempts WHERE message_id IN (SELECT id FROM gone)) AS attempts, " +
            "(SELECT COUNT(*) FROM reviews WHERE message_id IN (SELECT id FROM gone)) AS reviews",
            new { before = before.ToMs() });
        return new MessageRows(row.messages, row.recipients, row.attempts, row.reviews);
    }

    /// <summary>Each kind's table and what makes one of its rows old (@before: the cutoff, in ms).</summary>
    static (string Table, string Old) Rule(AgedRows kind) => kind switch
    {
        AgedRows.Refusals => ("refusals", "at < @before"),
        AgedRows.Violations => ("violations", "at < @before"),
        // A circuit still open (skip_until ahead) is not old, however long ago it last failed.
        AgedRows.ChannelHealth => ("channel_health", "updated_at < @before AND COALESCE(skip_until, 0) < @before"),
        // Events are written in id order as time goes, so the old ones stand first in the table's own order.
        AgedRows.Events => ("events", "created_at < @before"),
        // A key's window runs from its (last) claim; created_at has its own index.
        AgedRows.IdempotencyKeys => ("idempotency_keys", "created_at < @before"),
        // A delivery's attempts go with it (ON DELETE CASCADE); a pending one is never old.
        AgedRows.WebhooksDelivered => ("webhook_deliveries", "status = 'delivered' AND done_at < @before"),
        AgedRows.WebhooksFailed => ("webhook_deliveries", "status = 'failed' AND done_at < @before"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public Task<int> PurgeAsync(AgedRows kind, DateTimeOffset before, int batchSize, CancellationToken cancellationToken = default)
    {
        var (table, old) = Rule(kind);
        return db.WriteAsync((c, t) => c.Execute(
            $"DELETE FROM {table} WHERE rowid IN (SELECT rowid FROM {table} WHERE {old} LIMIT @limit)",
            new { before = before.ToMs(), limit = batchSize }, t), cancellationToken);
    }

    public async Task<long> CountAsync(AgedRows kind, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var (table, old) = Rule(kind);
        using var c = db.OpenRead();
        return await c.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE {old}", new { before = before.ToMs() });
    }

    public async Task<IReadOnlySet<string>> UnsettledAsync(IReadOnlyCollection<string> messageIds, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var ids = await c.QueryAsync<string>($"SELECT m.id FROM messages m WHERE m.id IN @messageIds AND {Unsettled}",
            new { messageIds, before = before.ToMs() });
        return ids.ToHashSet(StringComparer.Ordinal);
    }
}
