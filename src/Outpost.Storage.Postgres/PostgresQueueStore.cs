using Npgsql;
using Outpost.Engine.Idempotency;
using Outpost.Engine.Queue;

namespace Outpost.Storage.Postgres;

/// <summary>
/// The queue in PostgreSQL, shared by the nodes that use one database. Claims take due recipients in
/// batches with <c>FOR NO KEY UPDATE SKIP LOCKED</c>, so two nodes claiming at once take different rows and never
/// wait for each other; each claim is a lease that runs out. Every status change is decided by
/// <see cref="RecipientTransitions"/> and applied by <see cref="TransitionWriter"/>, which writes its
/// event in the same transaction; no statement here decides a status on its own. Statements of a
/// batch go to the server in one round trip. A message submitted with an idempotency key finishes its
/// key in its enqueue transaction. Leases carry this node's name (<paramref name="node"/>): the
/// heartbeat renews only its own, a start releases only its own, and claims take any node's that ran out
/// (the rules are <see cref="LeaseRules"/>). Claims are fair across sender domains. Writes that make
/// work claimable by any node (an operator's release or retry, a start's released leases) send
/// <see cref="PostgresWakeups.Channel"/> in their transaction, so idle nodes wake when they commit.
/// </summary>
public sealed class PostgresQueueStore(PostgresDatabase db, TimeProvider time, NodeIdentity node) : IQueueStore
{
    static readonly string Open = RecipientStatusNames.SqlList(RecipientStatusNames.Open);
    static readonly string Final = RecipientStatusNames.SqlList(RecipientStatusNames.Final);

    /// <summary>Statements per round trip: large batches in few messages, never one unbounded message.</summary>
    internal const int StatementsPerBatch = 500;

    public Task<IReadOnlyList<IReadOnlyList<QueuedRecipient>>> EnqueueAsync(IReadOnlyList<NewMessage> batch, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
        db.WriteAsync<IReadOnlyList<IReadOnlyList<QueuedRecipient>>>(async (tx, ct) =>
        {
            var now = time.GetUtcNow();
            // The keys first: a message whose idempotency claim was taken over is not queued, and the whole
            // transaction (the batch) rolls back; the committer then queues the others alone (as on SQLite).
            foreach (var item in batch)
                if (item.Idempotency is { } key && !await PostgresIdempotencyStore.CompleteAsync(tx, key, item.Message.Id, now, ct))
                    throw new IdempotencyClaimLostException(key.Ticket.KeyId);
            // The messages (and their reviews) first, then every recipient, each returning its id; a few hundred
            // statements a round trip, so a large group commit never becomes one unbounded message.
            foreach (var chunk in batch.Chunk(StatementsPerBatch / 2))
            {
                await using var messages = tx.Batch();
                foreach (var item in chunk)
                {
                    var m = item.Message;
                    messages.Add(
                        "INSERT INTO messages (id, sender, subject, size, auth_user, client_ip, helo, source, received_at, spool_path, sender_domain, remote_recipients, content_verdict, header_message_id) " +
                        "VALUES (@id, @sender, @subject, @size, @auth, @ip, @helo, @source, @at, @path, @domain, @remote, @verdict, @mid)").Parameters
                        .Text("id", m.Id).Text("sender", m.Sender).Text("subject", m.Subject).Long("size", m.Size).Text("auth", m.AuthUser)
                        .Text("ip", m.ClientIp).Text("helo", m.Helo).Text("source", m.Source).Time("at", m.ReceivedAt).Text("path", m.SpoolPath)
                        .Text("domain", m.SenderDomain).Int("remote", item.Recipients.Count(r => r.Route == Route.Remote))
                        .Text("verdict", m.ContentVerdict).Text("mid", m.HeaderMessageId);
                    if (item.Review is { } hold)
                        messages.Add("INSERT INTO reviews (message_id, label, probability, evidence, model, created_at) VALUES (@id, @label, @p, @evidence, @model, @at)").Parameters
                            .Text("id", m.Id).Text("label", hold.Label).Double("p", hold.Probability).Text("evidence", hold.Evidence).Text("model", hold.Model).Time("at", now);
                }
                await messages.ExecuteNonQueryAsync(ct);
            }

            // Under review, external recipients wait held and unleased; hosted ones are delivered at once.
            var planned = batch.SelectMany((item, i) => item.Recipients.Select(r =>
            {
                var held = item.Review is not null && r.Route == Route.Remote;
                return (Item: i, Recipient: r, Status: RecipientTransitions.Initial(held), Held: held);
            })).ToList();
            var ids = new List<long>(planned.Count);
            foreach (var chunk in planned.Chunk(StatementsPerBatch))
            {
                await using var recipients = tx.Batch();
                foreach (var (item, r, status, held) in chunk)
                    recipients.Add(
                        "INSERT INTO recipients (message_id, address, domain, route, status, attempts, next_attempt_at, lease_until, lease_node, updated_at) " +
                        "VALUES (@m, @address, @domain, @route, @status, 0, @now, @lease, @node, @now) RETURNING id").Parameters
                        .Text("m", batch[item].Message.Id).Text("address", r.Address).Text("domain", r.Domain).Text("route", r.Route.ToString().ToLowerInvariant())
                        .Text("status", status.ToName()).Time("now", now).Time("lease", held ? null : leaseUntil).Text("node", held ? null : node.Id);
                // One result per statement, in the statements' order.
                await using var reader = await recipients.ExecuteReaderAsync(ct);
                for (var k = 0; k < chunk.Length; k++)
                {
                    if (k > 0)
                        await reader.NextResultAsync(ct);
                    await reader.ReadAsync(ct);
                    ids.Add(reader.GetInt64(0));
                }
            }

            var results = batch.Select(_ => new List<QueuedRecipient>()).ToList();
            var writer = new TransitionWriter(tx);
            for (var k = 0; k < planned.Count; k++)
            {
                var (item, r, status, held) = planned[k];
                var row = new QueuedRecipient(ids[k], batch[item].Message.Id, r.Address, r.Domain, r.Route, status, 0, now, null);
                writer.Created(row, RecipientTransitions.InitialEvent(held), now);
                results[item].Add(row);
            }
            return results;
        }, cancellationToken);

    public async Task<IReadOnlyList<DeliveryWork>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default)
    {
        var (claimed, messages) = await db.WriteAsync(async (tx, ct) =>
        {
            // SKIP LOCKED: rows another node is claiming right now are passed over, not waited for, and do not count toward the limit.
            // NO KEY UPDATE, the weaker of the FOR UPDATE locks, is enough for a row whose key stays, and does not
            // block the foreign-key check of an attempt row being written for the same recipient.
            // Fair across sender domains: each due recipient gets its turn within its sender domain (the unlocked
            // subquery), and the batch takes every domain's first turn before any domain's second. The lock is
            // taken on the outer rows only, after the order, so a skipped row's place goes to the next in turn;
            // a row another node claimed and committed meanwhile is judged again as it is now and left out.
            await using var select = tx.Command(
                $"SELECT {Rows.RecipientColumns} FROM recipients r JOIN (" +
                "SELECT d.id, row_number() OVER (PARTITION BY lower(m.sender_domain) ORDER BY d.next_attempt_at, d.id) AS turn " +
                $"FROM recipients d JOIN messages m ON m.id = d.message_id WHERE d.status IN {Open} AND d.next_attempt_at <= @now " +
                "AND (d.lease_until IS NULL OR d.lease_until < @now)) f ON f.id = r.id " +
                $"WHERE r.status IN {Open} AND r.next_attempt_at <= @now AND (r.lease_until IS NULL OR r.lease_until < @now) " +
                "ORDER BY f.turn, r.next_attempt_at, r.id LIMIT @limit FOR NO KEY UPDATE OF r SKIP LOCKED");
            select.Parameters.Time("now", now).Int("limit", limit);
            var due = await select.ListAsync(r => Rows.Recipient(r), ct);
            var claims = due.Select(RecipientTransitions.Claim).ToList();
            var changed = await new TransitionWriter(tx).ApplyAsync(claims, time.GetUtcNow(), leaseUntil, nextAttemptAt: null, ct, leaseNode: node.Id);
            List<QueuedRecipient> taken = [.. due.Select((r, i) => (r, i)).Where(x => changed[x.i]).Select(x => x.r with { Status = claims[x.i].To })];
            if (taken.Count == 0)
                return (taken, new Dictionary<string, QueuedMessage>());

            await using var read = tx.Command($"SELECT {Rows.MessageColumns} FROM messages m WHERE m.id = ANY(@ids)");
            read.Parameters.TextArray("ids", [.. taken.Select(r => r.MessageId).Distinct()]);
            var found = (await read.ListAsync(r => Rows.Message(r), ct)).ToDictionary(m => m.Id);
            return (taken, found);
        }, cancellationToken);

        return claimed.GroupBy(r => r.MessageId)
            .SelectMany(g => WorkGrouping.Split(messages[g.Key], g))
            .ToList();
    }

    public Task<RecordedOutcomes> RecordOutcomesAsync(IReadOnlyList<RecipientOutcome> outcomes, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            var changed = await new TransitionWriter(tx).ApplyAsync(outcomes, time.GetUtcNow(), ct, leaseNode: node.Id);
            List<RecipientOutcome> lost = [.. outcomes.Where((_, i) => !changed[i])];
            var ids = outcomes.Select(o => o.Recipient.MessageId).Distinct().ToArray();
            if (ids.Length == 0)
                return RecordedOutcomes.None;
            // Two nodes may settle the last two recipients of one message at once; each would see the other's
            // still open and neither would report the message complete. Locking the messages first orders
            // them: the second waits, and its check (a new statement, a new snapshot) sees the first's commit.
            await using (var lockMessages = tx.Command("SELECT id FROM messages WHERE id = ANY(@ids) ORDER BY id FOR NO KEY UPDATE"))
            {
                lockMessages.Parameters.TextArray("ids", ids);
                await lockMessages.ExecuteNonQueryAsync(ct);
            }
            await using var open = tx.Command(
                $"SELECT m.id FROM unnest(@ids) AS m(id) WHERE NOT EXISTS (SELECT 1 FROM recipients r WHERE r.message_id = m.id AND r.status NOT IN {Final})");
            open.Parameters.TextArray("ids", ids);
            var completed = (await open.ListAsync(r => r.GetString(0), ct)).ToHashSet(StringComparer.Ordinal);
            return new RecordedOutcomes(ids.Where(completed.Contains).ToList(), lost);
        }, cancellationToken);

    public Task RecordTriesAsync(IReadOnlyList<(QueuedRecipient Recipient, DeliveryAttempt Attempt)> tries, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await new TransitionWriter(tx).AttemptsAsync(tries, RecipientStatus.Deferred, ct);
            return tries.Count;
        }, cancellationToken);

    public Task<int> ReleaseOwnLeasesAsync(CancellationToken cancellationToken = default) =>
        Transition($"r.status IN {Open} AND r.lease_until IS NOT NULL AND (r.lease_node = @node OR r.lease_node IS NULL)", p => p.Text("node", node.Id),
            RecipientTransitions.LeaseLost, next: null, cancellationToken, wake: true);

    public Task<int> RenewLeasesAsync(DateTimeOffset leaseUntil, DateTimeOffset claimedSince, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            // Only the lease moves: no status change, so no transition and no event. Nothing else writes a leased
            // recipient, so updated_at is when it was claimed (or queued). A row another node claimed meanwhile
            // bears that node's name: the update waits for its lock, sees the new name and leaves it.
            await using var renew = tx.Command(
                $"UPDATE recipients SET lease_until = @until WHERE lease_node = @node AND lease_until IS NOT NULL AND status IN {Open} AND updated_at >= @since");
            renew.Parameters.Time("until", leaseUntil).Text("node", node.Id).Time("since", claimedSince);
            return await renew.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    /// <summary>
    /// Locks the recipients <paramref name="where"/> selects and applies to each the change <paramref name="decide"/> makes
    /// of it, leases cleared. The lock waits for a claim or an outcome in flight, and the row is then read as it is after it.
    /// </summary>
    Task<int> Transition(string where, Action<NpgsqlParameterCollection> parameters, Func<QueuedRecipient, RecipientTransition> decide, DateTimeOffset? next,
        CancellationToken cancellationToken, bool wake = false) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var select = tx.Command($"SELECT {Rows.RecipientColumns} FROM recipients r WHERE {where} ORDER BY r.id FOR NO KEY UPDATE");
            parameters(select.Parameters);
            var rows = await select.ListAsync(r => Rows.Recipient(r), ct);
            var changed = await new TransitionWriter(tx).ApplyAsync(rows.Select(decide).ToList(), time.GetUtcNow(), leaseUntil: null, next, ct);
            var count = changed.Count(c => c);
            // Recipients waiting again are any node's to claim: wake the idle ones (nothing released, no notice).
            if (wake && count > 0)
                tx.WakeIdleNodes();
            return count;
        }, cancellationToken);

    public async Task<QueuedMessage?> GetMessageAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT {Rows.MessageColumns} FROM messages m WHERE m.id = @id");
        command.Parameters.Text("id", id);
        return (await command.ListAsync(r => Rows.Message(r), cancellationToken)).SingleOrDefault();
    }

    static readonly string Waiting = RecipientStatusNames.SqlList(RecipientStatusNames.Waiting);

    public async Task<IReadOnlyList<WaitingRecipient>> WaitingAsync(QueueSelection selection, DateTimeOffset now, long afterId, int limit,
        CancellationToken cancellationToken = default)
    {
        // Only the criteria given become conditions (and parameters), so a message id or a status reaches its index.
        var where = new List<string> { $"r.status IN {Waiting}", "r.id > @after" };
        var given = new List<Action<NpgsqlParameterCollection>>();
        void Add(string condition, Action<NpgsqlParameterCollection>? parameter = null)
        {
            where.Add(condition);
            if (parameter is not null)
                given.Add(parameter);
        }
        if (selection.MessageId is { } message)
            Add("r.message_id = @message", p => p.Text("message", message));
        if (selection.Domain is { } domain)
            Add("lower(r.domain) = @domain", p => p.Text("domain", domain));
        if (selection.Status is { } status)
            Add("r.status = @status", p => p.Text("status", status.ToName()));
        if (selection.Sender is { Length: 0 })
            Add("m.sender = ''");
        else if (selection.Sender is { } sender && sender[0] == '@')
            Add("lower(m.sender_domain) = @senderDomain", p => p.Text("senderDomain", selection.SenderDomain));
        else if (selection.Sender is { } address)
            Add("lower(m.sender) = @sender", p => p.Text("sender", address));
        if (selection.OlderThan is { } age)
            Add("m.received_at <= @before", p => p.Time("before", now - age));
        await using var command = db.Read(
            $"SELECT {Rows.RecipientColumns}, r.lease_until, m.sender, m.received_at FROM recipients r JOIN messages m ON m.id = r.message_id " +
            $"WHERE {string.Join(" AND ", where)} ORDER BY r.id LIMIT @limit");
        command.Parameters.Long("after", afterId).Int("limit", limit);
        foreach (var parameter in given)
            parameter(command.Parameters);
        return await command.ListAsync(r => new WaitingRecipient(Rows.Recipient(r), r.GetString(10), r.Time(11), r.TimeOrNull(9)), cancellationToken);
    }

    public Task<OperatorBatchResult> ApplyOperatorBatchAsync(OperatorBatch batch, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            // The guarded updates wait for a claim or an outcome in flight on the same row, then judge it as it is after it.
            var writer = new TransitionWriter(tx);
            var transitions = await writer.ApplyAsync(batch.Transitions, batch.Now, leaseUntil: null, batch.NextAttemptAt, ct);
            var outcomes = await writer.ApplyAsync(batch.Outcomes, batch.Now, ct);
            var changed = batch.Transitions.Where((_, i) => transitions[i]).Select(t => t.Recipient)
                .Concat(batch.Outcomes.Where((_, i) => outcomes[i]).Select(o => o.Recipient)).ToList();
            await using (var audit = tx.Command("UPDATE audit SET touched = touched + @touched, skipped = skipped + @skipped WHERE id = @id"))
            {
                audit.Parameters.Int("touched", changed.Count).Int("skipped", batch.Skipped + batch.Transitions.Count + batch.Outcomes.Count - changed.Count)
                    .Long("id", batch.AuditId);
                await audit.ExecuteNonQueryAsync(ct);
            }
            // Released or retried recipients are due at once, for any node: wake the idle ones.
            if (batch.NextAttemptAt is not null && changed.Count > 0)
                tx.WakeIdleNodes();
            var ids = changed.Select(r => r.MessageId).Distinct().ToArray();
            if (ids.Length == 0)
                return new OperatorBatchResult([], []);
            // As for outcomes: the messages locked first, so two writers settling a message's last recipients
            // at once do not both see the other's still open.
            await using (var lockMessages = tx.Command("SELECT id FROM messages WHERE id = ANY(@ids) ORDER BY id FOR NO KEY UPDATE"))
            {
                lockMessages.Parameters.TextArray("ids", ids);
                await lockMessages.ExecuteNonQueryAsync(ct);
            }
            await using var open = tx.Command(
                $"SELECT m.id FROM unnest(@ids) AS m(id) WHERE NOT EXISTS (SELECT 1 FROM recipients r WHERE r.message_id = m.id AND r.status NOT IN {Final})");
            open.Parameters.TextArray("ids", ids);
            var completed = (await open.ListAsync(r => r.GetString(0), ct)).ToHashSet(StringComparer.Ordinal);
            return new OperatorBatchResult(changed.Select(r => r.Id).ToList(), ids.Where(completed.Contains).ToList());
        }, cancellationToken);

    public async Task<IReadOnlyList<QueuedRecipient>> ListOpenAsync(int limit, CancellationToken cancellationToken = default)
    {
        // Two queries, each on its own partial index (open; held), so neither reads the history.
        await using var open = db.Read($"SELECT {Rows.RecipientColumns} FROM recipients r WHERE r.status IN {Open} ORDER BY r.next_attempt_at LIMIT @limit");
        open.Parameters.Int("limit", limit);
        await using var held = db.Read($"SELECT {Rows.RecipientColumns} FROM recipients r WHERE r.status = 'held' ORDER BY r.next_attempt_at LIMIT @limit");
        held.Parameters.Int("limit", limit);
        var rows = (await open.ListAsync(r => Rows.Recipient(r), cancellationToken)).Concat(await held.ListAsync(r => Rows.Recipient(r), cancellationToken));
        return rows.OrderBy(r => r.NextAttemptAt).Take(limit).ToList();
    }

    public async Task<IReadOnlyDictionary<string, int>> DepthAsync(CancellationToken cancellationToken = default)
    {
        await using var open = db.Read($"SELECT status, COUNT(*) FROM recipients WHERE status IN {Open} GROUP BY status");
        await using var held = db.Read("SELECT 'held', COUNT(*) FROM recipients WHERE status = 'held'");
        var depth = new Dictionary<string, int> { ["queued"] = 0, ["delivering"] = 0, ["deferred"] = 0, ["held"] = 0 };
        foreach (var (status, count) in (await open.ListAsync(r => (r.GetString(0), r.GetInt64(1)), cancellationToken))
                 .Concat(await held.ListAsync(r => (r.GetString(0), r.GetInt64(1)), cancellationToken)))
            depth[status] = (int)count;
        return depth;
    }

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT MIN(next_attempt_at) FROM recipients WHERE status IN {Open}");
        return (await command.ListAsync(r => r.TimeOrNull(0), cancellationToken)).Single();
    }
}
