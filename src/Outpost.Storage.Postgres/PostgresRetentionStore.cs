using Outpost.Engine.Queue;
using Outpost.Engine.Retention;

namespace Outpost.Storage.Postgres;

/// <summary>
/// Retention in PostgreSQL: the send log walked in arrival order from where the last batch stopped, and
/// the other aged rows deleted in batches, each batch one transaction. What is old and what is settled is
/// the engine's rule (<see cref="RecipientStatusNames.Final"/>, the cutoffs it passes); the statements
/// apply it. A settled message is one whose recipients are all final and unchanged since the cutoff, and a
/// final recipient is changed by nobody (no claim, outcome or operator touches it), so deleting it races
/// with no other node's work and takes no locks beyond the rows it deletes.
/// </summary>
public sealed class PostgresRetentionStore(PostgresDatabase db) : IRetentionStore
{
    static readonly string Final = RecipientStatusNames.SqlList(RecipientStatusNames.Final);

    /// <summary>A message m with a recipient still open, or one that changed at or after @before.</summary>
    static readonly string Unsettled =
        $"EXISTS (SELECT 1 FROM recipients r WHERE r.message_id = m.id AND (r.status NOT IN {Final} OR r.updated_at >= @before))";

    public Task<SendLogBatch> PurgeSendLogAsync(DateTimeOffset before, PurgePosition? after, int batchSize, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            // Each message of the batch with its rows counted, so the batch can stop at about batchSize rows as on SQLite.
            await using var scan = tx.Command(
                $"SELECT m.id, m.received_at, {Unsettled}, " +
                "(SELECT COUNT(*) FROM recipients r WHERE r.message_id = m.id), (SELECT COUNT(*) FROM attempts a WHERE a.message_id = m.id), " +
                "(SELECT COUNT(*) FROM reviews v WHERE v.message_id = m.id) FROM messages m " +
                "WHERE m.received_at < @before AND (@at IS NULL OR (m.received_at, m.id) > (@at, @id)) ORDER BY m.received_at, m.id LIMIT @limit");
            scan.Parameters.Time("before", before).Time("at", after?.ReceivedAt).Text("id", after?.MessageId ?? "").Int("limit", batchSize);
            var scanned = await scan.ListAsync(r => (Id: r.GetString(0), ReceivedAt: r.Time(1), Unsettled: r.GetBoolean(2),
                Rows: new MessageRows(1, r.GetInt64(3), r.GetInt64(4), r.GetInt64(5))), ct);
            if (scanned.Count == 0)
                return new SendLogBatch(default, null);

            var removed = default(MessageRows);
            var gone = new List<string>();
            var last = 0;
            for (var i = 0; i < scanned.Count && removed.Total < batchSize; i++)
            {
                last = i;
                if (scanned[i].Unsettled)
                    continue;
                gone.Add(scanned[i].Id);
                removed += scanned[i].Rows;
            }
            if (gone.Count > 0)
            {
                // Children first: attempts point at recipients, recipients and reviews at messages.
                await using var delete = tx.Batch();
                foreach (var table in new[] { "attempts", "reviews", "recipients" })
                    delete.Add($"DELETE FROM {table} WHERE message_id = ANY(@ids)").Parameters.TextArray("ids", [.. gone]);
                delete.Add("DELETE FROM messages WHERE id = ANY(@ids)").Parameters.TextArray("ids", [.. gone]);
                await delete.ExecuteNonQueryAsync(ct);
            }
            // Done when every message scanned was dealt with and the scan came up short of a full batch.
            var done = last == scanned.Count - 1 && scanned.Count < batchSize;
            return new SendLogBatch(removed, done ? null : new PurgePosition(scanned[last].ReceivedAt, scanned[last].Id));
        }, cancellationToken);

    public async Task<MessageRows> CountSendLogAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read(
            $"WITH gone AS (SELECT m.id FROM messages m WHERE m.received_at < @before AND NOT {Unsettled}) " +
            "SELECT (SELECT COUNT(*) FROM gone), (SELECT COUNT(*) FROM recipients WHERE message_id IN (SELECT id FROM gone)), " +
            "(SELECT COUNT(*) FROM attempts WHERE message_id IN (SELECT id FROM gone)), (SELECT COUNT(*) FROM reviews WHERE message_id IN (SELECT id FROM gone))");
        command.Parameters.Time("before", before);
        return (await command.ListAsync(r => new MessageRows(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)), cancellationToken)).Single();
    }

    /// <summary>Each kind's table, its key's columns, and what makes one of its rows old (@before: the cutoff).</summary>
    static (string Table, string Key, string Old) Rule(AgedRows kind) => kind switch
    {
        AgedRows.Refusals => ("refusals", "id", "at < @before"),
        AgedRows.Violations => ("violations", "id", "at < @before"),
        // A circuit still open (skip_until ahead) is not old, however long ago it last failed.
        AgedRows.ChannelHealth => ("channel_health", "channel, destination", "updated_at < @before AND (skip_until IS NULL OR skip_until < @before)"),
        AgedRows.Events => ("events", "id", "created_at < @before"),
        AgedRows.IdempotencyKeys => ("idempotency_keys", "id", "created_at < @before"),
        // A delivery's attempts go with it (ON DELETE CASCADE); a pending one is never old.
        AgedRows.WebhooksDelivered => ("webhook_deliveries", "id", "status = 'delivered' AND done_at < @before"),
        AgedRows.WebhooksFailed => ("webhook_deliveries", "id", "status = 'failed' AND done_at < @before"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public Task<int> PurgeAsync(AgedRows kind, DateTimeOffset before, int batchSize, CancellationToken cancellationToken = default)
    {
        var (table, key, old) = Rule(kind);
        return db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command($"DELETE FROM {table} WHERE ({key}) IN (SELECT {key} FROM {table} WHERE {old} LIMIT @limit)");
            command.Parameters.Time("before", before).Int("limit", batchSize);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
    }

    public async Task<long> CountAsync(AgedRows kind, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var (table, _, old) = Rule(kind);
        await using var command = db.Read($"SELECT COUNT(*) FROM {table} WHERE {old}");
        command.Parameters.Time("before", before);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<IReadOnlySet<string>> UnsettledAsync(IReadOnlyCollection<string> messageIds, DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT m.id FROM messages m WHERE m.id = ANY(@ids) AND {Unsettled}");
        command.Parameters.TextArray("ids", [.. messageIds]).Time("before", before);
        return (await command.ListAsync(r => r.GetString(0), cancellationToken)).ToHashSet(StringComparer.Ordinal);
    }
}
