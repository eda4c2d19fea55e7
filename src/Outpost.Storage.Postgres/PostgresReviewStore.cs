using Npgsql;
using Outpost.Engine.Queue;
using Outpost.Engine.Review;

namespace Outpost.Storage.Postgres;

/// <summary>
/// The review queue in PostgreSQL: each decision and the recipients' change of status (decided by
/// <see cref="RecipientTransitions"/>, applied by <see cref="TransitionWriter"/> with its events) in one
/// transaction. A decision is written once: the guarded update of the review row lets one of two
/// operators deciding at once (on two nodes) through, and the other finds it decided.
/// </summary>
public sealed class PostgresReviewStore(PostgresDatabase db) : IReviewStore
{
    static readonly string Final = RecipientStatusNames.SqlList(RecipientStatusNames.Final);
    static readonly string Held = RecipientStatus.Held.ToName();

    const string Select =
        "SELECT v.message_id, m.sender, m.subject, v.label, v.probability, v.evidence, v.model, v.created_at, " +
        "(SELECT COUNT(*) FROM recipients r WHERE r.message_id = v.message_id AND r.status = @held), " +
        "v.decision, v.decided_by, v.decided_at, v.reason FROM reviews v JOIN messages m ON m.id = v.message_id";

    static ReviewItem Read(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.Text(2), r.GetString(3), r.GetDouble(4), r.GetString(5), r.GetString(6), r.Time(7), (int)r.GetInt64(8),
            r.Text(9), r.Text(10), r.TimeOrNull(11), r.Text(12));

    public async Task<IReadOnlyList<ReviewItem>> ListAsync(bool pendingOnly, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read(
            Select + (pendingOnly ? " WHERE v.decision IS NULL ORDER BY v.created_at, v.message_id LIMIT @limit" : " ORDER BY v.created_at DESC, v.message_id LIMIT @limit"));
        command.Parameters.Text("held", Held).Int("limit", limit);
        return await command.ListAsync(Read, cancellationToken);
    }

    public async Task<ReviewItem?> GetAsync(string messageId, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read(Select + " WHERE v.message_id = @id");
        command.Parameters.Text("held", Held).Text("id", messageId);
        return (await command.ListAsync(Read, cancellationToken)).SingleOrDefault();
    }

    public Task<int?> ReleaseAsync(string messageId, string by, string? reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        db.WriteAsync<int?>(async (tx, ct) =>
        {
            if (!await DecideAsync(tx, messageId, "released", by, reason, at, ct))
                return null;
            var held = await HeldAsync(tx, messageId, ct);
            // Due at once: the release's time is the next try.
            var changed = await new TransitionWriter(tx).ApplyAsync(held.Select(r => RecipientTransitions.Release(r, $"released after review by {by}")).ToList(),
                at, leaseUntil: null, nextAttemptAt: at, ct);
            return changed.Count(c => c);
        }, cancellationToken);

    public Task<(IReadOnlyList<QueuedRecipient> Recipients, bool Completed)?> RefuseAsync(string messageId, string by, string reason, DeliveryAttempt refusal,
        CancellationToken cancellationToken = default) =>
        db.WriteAsync<(IReadOnlyList<QueuedRecipient>, bool)?>(async (tx, ct) =>
        {
            if (!await DecideAsync(tx, messageId, "refused", by, reason, refusal.At, ct))
                return null;
            var held = await HeldAsync(tx, messageId, ct);
            await new TransitionWriter(tx).ApplyAsync(held.Select(r => RecipientTransitions.RefusedAfterReview(r, refusal)).ToList(), refusal.At, ct);
            // As for delivery outcomes: the message locked before the check, so a node settling its last hosted
            // recipient at the same moment and this refusal do not both see the other's recipient still open.
            await using (var lockMessage = tx.Command("SELECT id FROM messages WHERE id = @id FOR NO KEY UPDATE"))
            {
                lockMessage.Parameters.Text("id", messageId);
                await lockMessage.ExecuteNonQueryAsync(ct);
            }
            await using var open = tx.Command($"SELECT EXISTS (SELECT 1 FROM recipients WHERE message_id = @id AND status NOT IN {Final})");
            open.Parameters.Text("id", messageId);
            return (held, !(bool)(await open.ExecuteScalarAsync(ct))!);
        }, cancellationToken);

    /// <summary>The message's held recipients, locked, so a change in flight on one of them finishes first and the row is read after it.</summary>
    static async Task<List<QueuedRecipient>> HeldAsync(WriteTransaction tx, string messageId, CancellationToken cancellationToken)
    {
        await using var command = tx.Command($"SELECT {Rows.RecipientColumns} FROM recipients r WHERE r.message_id = @id AND r.status = @held ORDER BY r.id FOR NO KEY UPDATE");
        command.Parameters.Text("id", messageId).Text("held", Held);
        return await command.ListAsync(r => Rows.Recipient(r), cancellationToken);
    }

    static async Task<bool> DecideAsync(WriteTransaction tx, string messageId, string decision, string by, string? reason, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = tx.Command(
            "UPDATE reviews SET decision = @decision, decided_by = @by, decided_at = @at, reason = @reason WHERE message_id = @id AND decision IS NULL");
        command.Parameters.Text("decision", decision).Text("by", by).Time("at", at).Text("reason", reason).Text("id", messageId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
