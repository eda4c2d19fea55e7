using Dapper;
using Microsoft.Data.Sqlite;
using Outpost.Engine.Queue;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// The queue in SQLite. The hot path (enqueue a batch) uses prepared commands inside one transaction;
/// claims use UPDATE … RETURNING on the partial index of open recipients, so history never slows them.
/// </summary>
public sealed class SqliteQueueStore(SqliteDatabase db, TimeProvider time) : IQueueStore
{
    const string Open = "('queued', 'deferred', 'delivering')";
    internal const string Final = "('delivered', 'bounced', 'rejected')";

    public Task<IReadOnlyList<IReadOnlyList<QueuedRecipient>>> EnqueueAsync(IReadOnlyList<NewMessage> batch, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
        db.WriteAsync<IReadOnlyList<IReadOnlyList<QueuedRecipient>>>((c, t) =>
        {
            var now = time.GetUtcNow();
            using var message = Prepared.Command(c, t,
                "INSERT INTO messages (id, sender, subject, size, auth_user, client_ip, helo, source, received_at, spool_path, sender_domain, remote_recipients, content_verdict) " +
                "VALUES ($id, $sender, $subject, $size, $auth, $ip, $helo, $source, $at, $path, $domain, $remote, $verdict)");
            using var recipient = Prepared.Command(c, t,
                "INSERT INTO recipients (message_id, address, domain, route, status, attempts, next_attempt_at, lease_until, updated_at) " +
                "VALUES ($m, $address, $domain, $route, $status, 0, $now, $lease, $now) RETURNING id");
            SqliteCommand? review = null;

            var results = new List<IReadOnlyList<QueuedRecipient>>(batch.Count);
            foreach (var item in batch)
            {
                var m = item.Message;
                Prepared.Run(message, m.Id, m.Sender, m.Subject, m.Size, m.AuthUser, m.ClientIp, m.Helo, m.Source, m.ReceivedAt.ToMs(), m.SpoolPath,
                    m.Sender[(m.Sender.IndexOf('@') + 1)..], item.Recipients.Count(r => r.Route == Route.Remote), m.ContentVerdict);

                var queued = new List<QueuedRecipient>(item.Recipients.Count);
                foreach (var r in item.Recipients)
                {
                    // Under review, external recipients wait held and unleased; hosted ones are delivered at once.
                    var held = item.Review is not null && r.Route == Route.Remote;
                    var status = held ? RecipientStatus.Held : RecipientStatus.Queued;
                    var id = (long)Prepared.Scalar(recipient, m.Id, r.Address, r.Domain, r.Route.ToString().ToLowerInvariant(), status.ToName(), now.ToMs(),
                        held ? null : leaseUntil.ToMs())!;
                    queued.Add(new QueuedRecipient(id, m.Id, r.Address, r.Domain, r.Route, status, 0, now, null));
                }
                if (item.Review is { } hold)
                {
                    review ??= Prepared.Command(c, t,
                        "INSERT INTO reviews (message_id, label, probability, evidence, model, created_at) VALUES ($id, $label, $p, $evidence, $model, $at)");
                    Prepared.Run(review, m.Id, hold.Label, hold.Probability, hold.Evidence, hold.Model, now.ToMs());
                }
                results.Add(queued);
            }
            review?.Dispose();
            return results;
        }, cancellationToken);

    public async Task<IReadOnlyList<DeliveryWork>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default)
    {
        var claimed = await db.WriteAsync((c, t) => c.Query<RecipientRow>(
            $"UPDATE recipients SET status = 'delivering', lease_until = @lease, updated_at = @now WHERE id IN (" +
            $"SELECT id FROM recipients WHERE status IN {Open} AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until < @now) " +
            $"ORDER BY next_attempt_at LIMIT @limit) " +
            "RETURNING id, message_id, address, domain, route, status, attempts, next_attempt_at, last_reply",
            new { now = now.ToMs(), lease = leaseUntil.ToMs(), limit }, t).ToList(), cancellationToken);
        if (claimed.Count == 0)
            return [];

        using var read = db.OpenRead();
        var ids = claimed.Select(r => r.message_id).Distinct().ToList();
        var messages = new Dictionary<string, QueuedMessage>();
        foreach (var chunk in ids.Chunk(500))
            foreach (var row in await read.QueryAsync<MessageRow>($"SELECT {Columns.Message} FROM messages m WHERE m.id IN @chunk", new { chunk }))
                messages[row.id] = row.ToMessage();

        return claimed.GroupBy(r => r.message_id)
            .SelectMany(g => WorkGrouping.Split(messages[g.Key], g.Select(r => r.ToRecipient())))
            .ToList();
    }

    public Task<IReadOnlyList<string>> RecordOutcomesAsync(IReadOnlyList<RecipientOutcome> outcomes, CancellationToken cancellationToken = default) =>
        db.WriteAsync<IReadOnlyList<string>>((c, t) =>
        {
            // A batch holds many deliveries' outcomes: each statement is prepared once and run for all of them.
            var now = time.GetUtcNow().ToMs();
            using var update = Prepared.Command(c, t,
                "UPDATE recipients SET status = $status, attempts = attempts + 1, next_attempt_at = COALESCE($next, next_attempt_at), " +
                "lease_until = NULL, last_reply = $reply, updated_at = $now WHERE id = $id");
            using var attempt = AttemptCommand(c, t);
            foreach (var o in outcomes)
            {
                Prepared.Run(update, o.NewStatus.ToName(), o.NextAttemptAt?.ToMs(), o.Attempt.Reply, now, o.Recipient.Id);
                InsertAttempt(attempt, o.Recipient, o.Attempt, o.NewStatus);
            }
            using var open = Prepared.Command(c, t, $"SELECT EXISTS (SELECT 1 FROM recipients WHERE message_id = $id AND status NOT IN {Final})");
            var completed = new List<string>();
            foreach (var id in outcomes.Select(o => o.Recipient.MessageId).Distinct())
                if ((long)Prepared.Scalar(open, id)! == 0)
                    completed.Add(id);
            return completed;
        }, cancellationToken);

    public Task RecordTriesAsync(IReadOnlyList<(QueuedRecipient Recipient, DeliveryAttempt Attempt)> tries, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) =>
        {
            using var attempt = AttemptCommand(c, t);
            foreach (var (recipient, a) in tries)
                InsertAttempt(attempt, recipient, a, RecipientStatus.Deferred);
            return tries.Count;
        }, cancellationToken);

    internal static SqliteCommand AttemptCommand(SqliteConnection c, SqliteTransaction t) => Prepared.Command(c, t,
        "INSERT INTO attempts (recipient_id, message_id, at, outcome, channel, mx_host, mx_address, code, reply, tls, duration_ms) " +
        "VALUES ($rid, $mid, $at, $outcome, $channel, $mx, $ip, $code, $reply, $tls, $ms)");

    internal static void InsertAttempt(SqliteCommand command, QueuedRecipient recipient, DeliveryAttempt a, RecipientStatus outcome) =>
        Prepared.Run(command, recipient.Id, recipient.MessageId, a.At.ToMs(), outcome.ToName(), a.Channel, a.MxHost, a.MxAddress, a.Code, a.Reply, a.Tls,
            (long)a.Duration.TotalMilliseconds);

    public Task<int> ReleaseAllLeasesAsync(CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute(
            $"UPDATE recipients SET status = CASE WHEN attempts = 0 THEN 'queued' ELSE 'deferred' END, lease_until = NULL " +
            $"WHERE status IN {Open} AND lease_until IS NOT NULL", transaction: t), cancellationToken);

    public async Task<QueuedMessage?> GetMessageAsync(string id, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        return (await c.QuerySingleOrDefaultAsync<MessageRow>($"SELECT {Columns.Message} FROM messages m WHERE m.id = @id", new { id }))?.ToMessage();
    }

    public Task<int> RetryNowAsync(string? messageId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute(
            "UPDATE recipients SET next_attempt_at = @now, updated_at = @now WHERE status = 'deferred' AND (@messageId IS NULL OR message_id = @messageId)",
            new { now = now.ToMs(), messageId }, t), cancellationToken);

    public Task<int> HoldAsync(string messageId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute(
            "UPDATE recipients SET status = 'held', updated_at = @now WHERE message_id = @messageId AND status IN ('queued', 'deferred')",
            new { now = now.ToMs(), messageId }, t), cancellationToken);

    public Task<int> ReleaseAsync(string messageId, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute(
            "UPDATE recipients SET status = CASE WHEN attempts = 0 THEN 'queued' ELSE 'deferred' END, next_attempt_at = @now, updated_at = @now " +
            "WHERE message_id = @messageId AND status = 'held'",
            new { now = now.ToMs(), messageId }, t), cancellationToken);

    public async Task<IReadOnlyList<QueuedRecipient>> ListOpenAsync(int limit, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        // Two queries, each on its own partial index (open; held), so neither reads the history.
        var open = await c.QueryAsync<RecipientRow>(
            $"SELECT {Columns.Recipient} FROM recipients r WHERE r.status IN {Open} ORDER BY r.next_attempt_at LIMIT @limit", new { limit });
        var held = await c.QueryAsync<RecipientRow>(
            $"SELECT {Columns.Recipient} FROM recipients r WHERE r.status = 'held' ORDER BY r.next_attempt_at LIMIT @limit", new { limit });
        return open.Concat(held).Select(r => r.ToRecipient()).OrderBy(r => r.NextAttemptAt).Take(limit).ToList();
    }

    public async Task<IReadOnlyDictionary<string, int>> DepthAsync(CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var rows = (await c.QueryAsync<(string Status, long Count)>($"SELECT status, COUNT(*) FROM recipients WHERE status IN {Open} GROUP BY status"))
            .Append(("held", await c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM recipients WHERE status = 'held'")));
        var depth = new Dictionary<string, int> { ["queued"] = 0, ["delivering"] = 0, ["deferred"] = 0, ["held"] = 0 };
        foreach (var (status, count) in rows)
            depth[status] = (int)count;
        return depth;
    }

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var ms = await c.ExecuteScalarAsync<long?>($"SELECT MIN(next_attempt_at) FROM recipients WHERE status IN {Open}");
        return ms is { } value ? Time.FromMs(value) : null;
    }
}
