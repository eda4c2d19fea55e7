using Outpost.Engine.Policy;

namespace Outpost.Storage.Postgres;

/// <summary>
/// The bulk-duplicate counts in PostgreSQL: one row per content fingerprint and external mailbox, shared
/// by the nodes, so the same content sent through several nodes is counted once and a restart resets
/// nothing. A fingerprint is an unsigned 64-bit SimHash, kept as the signed bigint of the same bits.
/// </summary>
public sealed class PostgresBulkStore(PostgresDatabase db) : IBulkStore
{
    public async Task<IReadOnlyList<(ulong Fingerprint, string Recipient, DateTimeOffset SeenAt)>> LoadAsync(DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read("SELECT fingerprint, recipient, seen_at FROM bulk_recipients WHERE seen_at >= @since");
        command.Parameters.Time("since", since);
        return await command.ListAsync(r => (unchecked((ulong)r.GetInt64(0)), r.GetString(1), r.Time(2)), cancellationToken);
    }

    public Task AddAsync(IReadOnlyList<(ulong Fingerprint, string Recipient, DateTimeOffset SeenAt)> rows, DateTimeOffset pruneBefore, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            // One row per pair (one statement may not update a row twice), the latest time of each; inserted in
            // key order, so two nodes adding overlapping pairs lock them in the same order and never deadlock.
            var pairs = rows.GroupBy(r => (r.Fingerprint, r.Recipient))
                .Select(g => (Fingerprint: unchecked((long)g.Key.Fingerprint), g.Key.Recipient, SeenAt: g.Max(r => r.SeenAt)))
                .ToList();
            await using var batch = tx.Batch();
            if (pairs.Count > 0)
                batch.Add(
                    "INSERT INTO bulk_recipients (fingerprint, recipient, seen_at) SELECT f, r, seen FROM unnest(@f, @r, @at) AS p(f, r, seen) ORDER BY f, r COLLATE \"C\" " +
                    "ON CONFLICT (fingerprint, recipient) DO UPDATE SET seen_at = GREATEST(bulk_recipients.seen_at, EXCLUDED.seen_at)").Parameters
                    .LongArray("f", [.. pairs.Select(p => (long?)p.Fingerprint)]).TextArray("r", [.. pairs.Select(p => p.Recipient)])
                    .TimeArray("at", [.. pairs.Select(p => p.SeenAt)]);
            batch.Add("DELETE FROM bulk_recipients WHERE seen_at < @before").Parameters.Time("before", pruneBefore);
            await batch.ExecuteNonQueryAsync(ct);
            return pairs.Count;
        }, cancellationToken);
}
