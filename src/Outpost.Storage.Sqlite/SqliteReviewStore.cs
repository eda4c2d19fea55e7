using Dapper;
using Outpost.Engine.Queue;
using Outpost.Engine.Review;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// The review queue in SQLite: each decision and the recipients' change of status (decided by
/// <see cref="RecipientTransitions"/>, with its events) in one transaction.
/// </summary>
public sealed class SqliteReviewStore(SqliteDatabase db) : IReviewStore
{
    // Properties, not a positional record: on an empty result SQLite reports the held count (an expression
    // column) as a blob, and Dapper then finds no constructor to match; properties are only set from rows.
    sealed class ReviewRow
    {
        public string message_id { get; init; } = "";
        public string sender { get; init; } = "";
        public string? subject { get; init; }
        public string label { get; init; } = "";
        public double probability { get; init; }
        public string evidence { get; init; } = "";
        public string model { get; init; } = "";
        public long created_at { get; init; }
        public long held { get; init; }
        public string? decision { get; init; }
        public string? decided_by { get; init; }
        public long? decided_at { get; init; }
        public string? reason { get; init; }

        public ReviewItem ToItem() => new(message_id, sender, subject, label, probability, evidence, model, Time.FromMs(created_at), (int)held,
            decision, decided_by, decided_at is { } d ? Time.FromMs(d) : null, reason);
    }

    const string Select =
        "SELECT v.message_id, m.sender, m.subject, v.label, v.probability, v.evidence, v.model, v.created_at, " +
        "(SELECT COUNT(*) FROM recipients r WHERE r.message_id = v.message_id AND r.status = 'held') AS held, " +
        "v.decision, v.decided_by, v.decided_at, v.reason FROM reviews v JOIN messages m ON m.id = v.message_id";

    public async Task<IReadOnlyList<ReviewItem>> ListAsync(bool pendingOnly, int limit, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var rows = await c.QueryAsync<ReviewRow>(
            Select + (pendingOnly ? " WHERE v.decision IS NULL ORDER BY v.created_at LIMIT @limit" : " ORDER BY v.created_at DESC LIMIT @limit"), new { limit });
        return rows.Select(r => r.ToItem()).ToList();
    }

    public async Task<ReviewItem?> GetAsync(string messageId, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        return (await c.QuerySingleOrDefaultAsync<ReviewRow>(Select + " WHERE v.message_id = @messageId", new { messageId }))?.ToItem();
    }

    public Task<int?> ReleaseAsync(string messageId, string by, string? reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        db.WriteAsync<int?>((c, t) =>
        {
            if (!Decide(c, t, messageId, "released", by, reason, at))
                return null;
            using var writer = new TransitionWriter(c, t);
            return Held(c, t, messageId).Count(r => writer.Apply(RecipientTransitions.Release(r, $"released after review by {by}"), at.ToMs(), leaseUntil: null, at.ToMs()));
        }, cancellationToken);

    public Task<(IReadOnlyList<QueuedRecipient> Recipients, bool Completed)?> RefuseAsync(string messageId, string by, string reason, DeliveryAttempt refusal,
        CancellationToken cancellationToken = default) =>
        db.WriteAsync<(IReadOnlyList<QueuedRecipient>, bool)?>((c, t) =>
        {
            if (!Decide(c, t, messageId, "refused", by, reason, refusal.At))
                return null;
            var held = Held(c, t, messageId);
            using var writer = new TransitionWriter(c, t);
            foreach (var r in held)
                writer.Apply(RecipientTransitions.RefusedAfterReview(r, refusal), refusal.At.ToMs());
            var open = c.ExecuteScalar<long>($"SELECT EXISTS (SELECT 1 FROM recipients WHERE message_id = @messageId AND status NOT IN {SqliteQueueStore.Final})",
                new { messageId }, t);
            return (held, open == 0);
        }, cancellationToken);

    static List<QueuedRecipient> Held(Microsoft.Data.Sqlite.SqliteConnection c, Microsoft.Data.Sqlite.SqliteTransaction t, string messageId) =>
        c.Query<RecipientRow>($"SELECT {Columns.Recipient} FROM recipients r WHERE r.message_id = @messageId AND r.status = 'held'", new { messageId }, t)
            .Select(r => r.ToRecipient()).ToList();

    static bool Decide(Microsoft.Data.Sqlite.SqliteConnection c, Microsoft.Data.Sqlite.SqliteTransaction t, string messageId, string decision, string by, string? reason, DateTimeOffset at) =>
        c.Execute("UPDATE reviews SET decision = @decision, decided_by = @by, decided_at = @at, reason = @reason WHERE message_id = @messageId AND decision IS NULL",
            new { messageId, decision, by, at = at.ToMs(), reason }, t) == 1;
}
