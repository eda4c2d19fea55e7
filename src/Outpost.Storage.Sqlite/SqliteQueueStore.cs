using Dapper;
using Microsoft.Data.Sqlite;
using Outpost.Engine.Idempotency;
using Outpost.Engine.Queue;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// The queue in SQLite. The hot path (enqueue a batch) uses prepared commands inside one transaction;
/// claims read the partial index of open recipients, so history never slows them. Every status change
/// is decided by <see cref="RecipientTransitions"/> and applied by <see cref="TransitionWriter"/>, which
/// writes its event in the same transaction; no statement here decides a status on its own. A message
/// submitted with an idempotency key finishes its key in its enqueue transaction. Leases carry this
/// node's name (<paramref name="node"/>), as on PostgreSQL, though SQLite serves one node.
/// </summary>
public sealed class SqliteQueueStore(SqliteDatabase db, TimeProvider time, NodeIdentity node) : IQueueStore
{
    static readonly string Open = RecipientStatusNames.SqlList(RecipientStatusNames.Open);
    internal static readonly string Final = RecipientStatusNames.SqlList(RecipientStatusNames.Final);

    public Task<IReadOnlyList<IReadOnlyList<QueuedRecipient>>> EnqueueAsync(IReadOnlyList<NewMessage> batch, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
        db.WriteAsync<IReadOnlyList<IReadOnlyList<QueuedRecipient>>>((c, t) =>
        {
            var now = time.GetUtcNow();
            using var message = Prepared.Command(c, t,
                "INSERT INTO messages (id, sender, subject, size, auth_user, client_ip, helo, source, received_at, spool_path, sender_domain, remote_recipients, content_verdict, header_message_id) " +
                "VALUES ($id, $sender, $subject, $size, $auth, $ip, $helo, $source, $at, $path, $domain, $remote, $verdict, $mid)");
            using var recipient = Prepared.Command(c, t,
                "INSERT INTO recipients (message_id, address, domain, route, status, attempts, next_attempt_at, lease_until, lease_node, updated_at) " +
                "VALUES ($m, $address, $domain, $route, $status, 0, $now, $lease, $node, $now) RETURNING id");
            SqliteCommand? review = null;
            using var writer = new TransitionWriter(c, t);

            var results = new List<IReadOnlyList<QueuedRecipient>>(batch.Count);
            foreach (var item in batch)
            {
                var m = item.Message;
                // The key first: a message whose idempotency claim was taken over is not queued, and the
                // whole transaction (the batch) rolls back; the committer then queues the others alone.
                if (item.Idempotency is { } key && !SqliteIdempotencyStore.Complete(c, t, key, m.Id, now))
                    throw new IdempotencyClaimLostException(key.Ticket.KeyId);
                Prepared.Run(message, m.Id, m.Sender, m.Subject, m.Size, m.AuthUser, m.ClientIp, m.Helo, m.Source, m.ReceivedAt.ToMs(), m.SpoolPath,
                    m.SenderDomain, item.Recipients.Count(r => r.Route == Route.Remote), m.ContentVerdict, m.HeaderMessageId);

                var queued = new List<QueuedRecipient>(item.Recipients.Count);
                foreach (var r in item.Recipients)
                {
                    // Under review, external recipients wait held and unleased; hosted ones are delivered at once.
                    var held = item.Review is not null && r.Route == Route.Remote;
                    var status = RecipientTransitions.Initial(held);
                    var id = (long)Prepared.Scalar(recipient, m.Id, r.Address, r.Domain, r.Route.ToString().ToLowerInvariant(), status.ToName(), now.ToMs(),
                        held ? null : leaseUntil.ToMs(), held ? null : node.Id)!;
                    var row = new QueuedRecipient(id, m.Id, r.Address, r.Domain, r.Route, status, 0, now, null);
                    writer.Created(row, RecipientTransitions.InitialEvent(held), now.ToMs());
                    queued.Add(row);
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
        var claimed = await db.WriteAsync((c, t) =>
        {
            // Fair across sender domains: each due recipient gets its turn within its sender domain, and the
            // batch takes every domain's first turn before any domain's second (see IQueueStore.ClaimDueAsync).
            var due = c.Query<RecipientRow>(
                $"SELECT {Columns.Recipient} FROM (SELECT r.*, row_number() OVER (PARTITION BY lower(m.sender_domain) ORDER BY r.next_attempt_at, r.id) AS turn " +
                $"FROM recipients r JOIN messages m ON m.id = r.message_id WHERE r.status IN {Open} AND r.next_attempt_at <= @now " +
                "AND (r.lease_until IS NULL OR r.lease_until < @now)) r ORDER BY r.turn, r.next_attempt_at, r.id LIMIT @limit",
                new { now = now.ToMs(), limit }, t).Select(r => r.ToRecipient()).ToList();
            using var writer = new TransitionWriter(c, t);
            var taken = new List<QueuedRecipient>(due.Count);
            foreach (var r in due)
            {
                var claim = RecipientTransitions.Claim(r);
                if (writer.Apply(claim, now.ToMs(), leaseUntil.ToMs(), leaseNode: node.Id))
                    taken.Add(r with { Status = claim.To });
            }
            return taken;
        }, cancellationToken);
        if (claimed.Count == 0)
            return [];

        using var read = db.OpenRead();
        var ids = claimed.Select(r => r.MessageId).Distinct().ToList();
        var messages = new Dictionary<string, QueuedMessage>();
        foreach (var chunk in ids.Chunk(500))
            foreach (var row in await read.QueryAsync<MessageRow>($"SELECT {Columns.Message} FROM messages m WHERE m.id IN @chunk", new { chunk }))
                messages[row.id] = row.ToMessage();

        return claimed.GroupBy(r => r.MessageId)
            .SelectMany(g => WorkGrouping.Split(messages[g.Key], g))
            .ToList();
    }

    public Task<RecordedOutcomes> RecordOutcomesAsync(IReadOnlyList<RecipientOutcome> outcomes, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) =>
        {
            // A batch holds many deliveries' outcomes: each statement is prepared once and run for all of them.
            var now = time.GetUtcNow().ToMs();
            using var writer = new TransitionWriter(c, t);
            var lost = new List<RecipientOutcome>();
            foreach (var o in outcomes)
                if (!writer.Apply(o, now, node.Id))
                    lost.Add(o);
            using var open = Prepared.Command(c, t, $"SELECT EXISTS (SELECT 1 FROM recipients WHERE message_id = $id AND status NOT IN {Final})");
            var completed = new List<string>();
            foreach (var id in outcomes.Select(o => o.Recipient.MessageId).Distinct())
                if ((long)Prepared.Scalar(open, id)! == 0)
                    completed.Add(id);
            return new RecordedOutcomes(completed, lost);
        }, cancellationToken);

    public Task RecordTriesAsync(IReadOnlyList<(QueuedRecipient Recipient, DeliveryAttempt Attempt)> tries, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) =>
        {
            using var writer = new TransitionWriter(c, t);
            foreach (var (recipient, a) in tries)
                writer.Attempt(recipient, a, RecipientStatus.Deferred);
            return tries.Count;
        }, cancellationToken);

    public Task<int> ReleaseOwnLeasesAsync(CancellationToken cancellationToken = default) =>
        Transition($"r.status IN {Open} AND r.lease_until IS NOT NULL AND (r.lease_node = @node OR r.lease_node IS NULL)", new { node = node.Id },
            RecipientTransitions.LeaseLost, cancellationToken);

    public Task<int> RenewLeasesAsync(DateTimeOffset leaseUntil, DateTimeOffset claimedSince, CancellationToken cancellationToken = default) =>
        // Only the lease moves: no status changes, so no event and no transition. The claim (or the enqueue)
        // was the row's last update, as nothing else writes a leased recipient, so updated_at is when it was claimed.
        db.WriteAsync((c, t) => c.Execute(
            $"UPDATE recipients SET lease_until = @until WHERE lease_node = @node AND lease_until IS NOT NULL AND status IN {Open} AND updated_at >= @since",
            new { until = leaseUntil.ToMs(), node = node.Id, since = claimedSince.ToMs() }, t), cancellationToken);

    /// <summary>Reads the recipients <paramref name="where"/> selects and applies to each the change <paramref name="decide"/> makes of it, leases cleared.</summary>
    Task<int> Transition(string where, object parameters, Func<QueuedRecipient, RecipientTransition> decide, CancellationToken cancellationToken) =>
        db.WriteAsync((c, t) =>
        {
            var now = time.GetUtcNow().ToMs();
            var rows = c.Query<RecipientRow>($"SELECT {Columns.Recipient} FROM recipients r WHERE {where}", parameters, t).Select(r => r.ToRecipient()).ToList();
            using var writer = new TransitionWriter(c, t);
            return rows.Count(r => writer.Apply(decide(r), now, leaseUntil: null));
        }, cancellationToken);

    public async Task<QueuedMessage?> GetMessageAsync(string id, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        return (await c.QuerySingleOrDefaultAsync<MessageRow>($"SELECT {Columns.Message} FROM messages m WHERE m.id = @id", new { id }))?.ToMessage();
    }

    static readonly string Waiting = RecipientStatusNames.SqlList(RecipientStatusNames.Waiting);

    sealed record WaitingRow(long id, string message_id, string address, string domain, string route, string status, long attempts, long next_attempt_at,
        string? last_reply, long? lease_until, string sender, long received_at, long? review_since)
    {
        public WaitingRecipient ToWaiting() => new(
            new RecipientRow(id, message_id, address, domain, route, status, attempts, next_attempt_at, last_reply).ToRecipient(),
            sender, Time.FromMs(received_at), lease_until is { } l ? Time.FromMs(l) : null, review_since is not null);
    }

    public async Task<IReadOnlyList<WaitingRecipient>> WaitingAsync(QueueSelection selection, DateTimeOffset now, long afterId, int limit,
        CancellationToken cancellationToken = default)
    {
        // Only the criteria given become conditions, so a message id or a status reaches its index.
        var where = new List<string> { $"r.status IN {Waiting}", "r.id > @afterId" };
        if (selection.MessageId is not null)
            where.Add("r.message_id = @message");
        if (selection.Domain is not null)
            where.Add("lower(r.domain) = @domain");
        if (selection.Status is not null)
            where.Add("r.status = @status");
        if (selection.Sender is { } sender)
            where.Add(sender.Length == 0 ? "m.sender = ''" : sender[0] == '@' ? "lower(m.sender_domain) = @senderDomain" : "lower(m.sender) = @sender");
        if (selection.OlderThan is not null)
            where.Add("m.received_at <= @before");
        using var c = db.OpenRead();
        var rows = await c.QueryAsync<WaitingRow>(
            // A pending review (at most one per message: message_id is its key) marks mail the content model held.
            $"SELECT {Columns.Recipient}, r.lease_until, m.sender, m.received_at, v.created_at AS review_since " +
            "FROM recipients r JOIN messages m ON m.id = r.message_id LEFT JOIN reviews v ON v.message_id = r.message_id AND v.decision IS NULL " +
            $"WHERE {string.Join(" AND ", where)} ORDER BY r.id LIMIT @limit",
            new
            {
                afterId, limit, message = selection.MessageId, domain = selection.Domain, status = selection.Status?.ToName(), sender = selection.Sender,
                senderDomain = selection.SenderDomain, before = selection.OlderThan is { } age ? (now - age).ToMs() : (long?)null,
            });
        return rows.Select(r => r.ToWaiting()).ToList();
    }

    public Task<OperatorBatchResult> ApplyOperatorBatchAsync(OperatorBatch batch, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) =>
        {
            var now = batch.Now.ToMs();
            using var writer = new TransitionWriter(c, t);
            var changed = new List<long>();
            var messages = new HashSet<string>();
            foreach (var change in batch.Transitions)
                if (writer.Apply(change, now, leaseUntil: null, batch.NextAttemptAt?.ToMs()))
                {
                    changed.Add(change.Recipient.Id);
                    messages.Add(change.Recipient.MessageId);
                }
            foreach (var outcome in batch.Outcomes)
                if (writer.Apply(outcome, now))
                {
                    changed.Add(outcome.Recipient.Id);
                    messages.Add(outcome.Recipient.MessageId);
                }
            var missed = batch.Transitions.Count + batch.Outcomes.Count - changed.Count;
            AuditRows.AddCounts(c, t, batch.AuditId, changed.Count, batch.Skipped + missed);
            using var open = Prepared.Command(c, t, $"SELECT EXISTS (SELECT 1 FROM recipients WHERE message_id = $id AND status NOT IN {Final})");
            var completed = messages.Where(id => (long)Prepared.Scalar(open, id)! == 0).ToList();
            return new OperatorBatchResult(changed, completed);
        }, cancellationToken);

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
