using Npgsql;
using Outpost.Engine.Queue;

namespace Outpost.Storage.Postgres;

/// <summary>
/// Applies the status changes that <see cref="RecipientTransitions"/> decided, inside the caller's
/// transaction: "set the new status where the status is still the old one", and for every change that
/// took, its row in the events outbox (written with the transaction's last statement, see
/// <see cref="EventOutbox"/>). A change whose recipient moved on meanwhile (another node, an operator)
/// does not take and emits nothing; the caller learns it from the result. The statements of a batch of
/// changes go in one round trip (<see cref="NpgsqlBatch"/>) and run in order, so two changes of the same
/// recipient in one batch behave as they would one after the other.
/// </summary>
sealed class TransitionWriter(WriteTransaction tx)
{
    /// <summary>Changes per round trip (an outcome is two statements: its update and its attempt).</summary>
    const int ChangesPerBatch = PostgresQueueStore.StatementsPerBatch / 2;

    /// <summary>
    /// The guard of a change that must not take under a delivery's feet (<see cref="RecipientTransition.UnlessLeased"/>):
    /// with @free set to now, a recipient whose lease has not run out is left as it is; with @free null, no guard.
    /// </summary>
    const string UnlessLeased = " AND (@free IS NULL OR lease_until IS NULL OR lease_until < @free)";

    /// <summary>
    /// The guard of a delivery's outcome (<see cref="RecipientOutcome.ByLeaseHolder"/>): with @holder set to this
    /// node's name, a recipient whose lease another node has taken over is left to that node; with @holder null, no guard.
    /// </summary>
    const string ByLeaseHolder = " AND (@holder IS NULL OR lease_node = @holder)";

    const string OutcomeSql =
        "UPDATE recipients SET status = @to, attempts = attempts + 1, next_attempt_at = COALESCE(@next, next_attempt_at), " +
        "lease_until = NULL, lease_node = NULL, last_reply = @reply, updated_at = @now WHERE id = @id AND status = @from" + UnlessLeased + ByLeaseHolder;

    const string TransitionSql =
        "UPDATE recipients SET status = @to, lease_until = @lease, lease_node = @node, next_attempt_at = COALESCE(@next, next_attempt_at), " +
        "last_reply = COALESCE(@reply, last_reply), updated_at = @now WHERE id = @id AND status = @from" + UnlessLeased;

    const string AttemptSql =
        "INSERT INTO attempts (recipient_id, message_id, at, outcome, channel, mx_host, mx_address, code, enhanced, reply, tls, duration_ms, tls_policy) " +
        "VALUES (@rid, @mid, @at, @outcome, @channel, @mx, @ip, @code, @enhanced, @reply, @tls, @ms, @policy)";

    /// <summary>
    /// Attempts' outcomes: a delivery's attempt is recorded whether or not its status change takes; an
    /// operator's decision (<see cref="RecipientOutcome.UnlessLeased"/>) that did not take happened nowhere, so
    /// its attempt is written, in a second round trip, only where the change took. A delivery's outcome takes only
    /// under the lease of <paramref name="leaseNode"/> (the recording node). Returns which took.
    /// </summary>
    public async Task<bool[]> ApplyAsync(IReadOnlyList<RecipientOutcome> outcomes, DateTimeOffset now, CancellationToken cancellationToken, string? leaseNode = null)
    {
        if (leaseNode is null && outcomes.Any(o => o.ByLeaseHolder))
            throw new InvalidOperationException("A delivery's outcome is recorded by the node that holds its lease; this writer was given none.");
        var changed = new bool[outcomes.Count];
        // The reply's parts once, for the attempt row and the event alike.
        var replies = new RemoteReply[outcomes.Count];
        for (var start = 0; start < outcomes.Count; start += ChangesPerBatch)
        {
            var count = Math.Min(ChangesPerBatch, outcomes.Count - start);
            await using var batch = tx.Batch();
            var updates = new int[count];
            for (var i = start; i < start + count; i++)
            {
                var o = outcomes[i];
                updates[i - start] = batch.BatchCommands.Count;
                batch.Add(OutcomeSql).Parameters
                    .Text("to", o.NewStatus.ToName()).Time("next", o.NextAttemptAt).Text("reply", o.Attempt.Reply).Time("now", now)
                    .Long("id", o.Recipient.Id).Text("from", o.Recipient.Status.ToName()).Time("free", o.UnlessLeased ? now : null)
                    .Text("holder", o.ByLeaseHolder ? leaseNode : null);
                replies[i] = RemoteReply.Of(o.Attempt);
                if (!o.UnlessLeased)
                    Attempt(batch, o.Recipient, o.Attempt, o.NewStatus, replies[i].Enhanced);
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
            for (var i = 0; i < count; i++)
                changed[start + i] = batch.BatchCommands[updates[i]].RecordsAffected == 1;
            var decided = Enumerable.Range(start, count).Where(i => outcomes[i].UnlessLeased && changed[i]).ToList();
            if (decided.Count > 0)
            {
                await using var attempts = tx.Batch();
                foreach (var i in decided)
                    Attempt(attempts, outcomes[i].Recipient, outcomes[i].Attempt, outcomes[i].NewStatus, replies[i].Enhanced);
                await attempts.ExecuteNonQueryAsync(cancellationToken);
            }
        }
        for (var i = 0; i < outcomes.Count; i++)
        {
            if (!changed[i])
                continue;
            var o = outcomes[i];
            Event(o.Event, o.Recipient, o.Recipient.Status, o.NewStatus, o.Reason, replies[i], o.Recipient.Attempts + 1, o.Attempt.Channel, now);
        }
        return changed;
    }

    /// <summary>
    /// Changes without an attempt: claims (with their lease, held by <paramref name="leaseNode"/>), holds, releases,
    /// leases let go, an operator's retries and deletes (no lease: both cleared). Returns which took.
    /// </summary>
    public async Task<bool[]> ApplyAsync(IReadOnlyList<RecipientTransition> transitions, DateTimeOffset now, DateTimeOffset? leaseUntil,
        DateTimeOffset? nextAttemptAt, CancellationToken cancellationToken, string? leaseNode = null)
    {
        var changed = new bool[transitions.Count];
        for (var start = 0; start < transitions.Count; start += ChangesPerBatch)
        {
            var count = Math.Min(ChangesPerBatch, transitions.Count - start);
            await using var batch = tx.Batch();
            for (var i = start; i < start + count; i++)
            {
                var t = transitions[i];
                batch.Add(TransitionSql).Parameters
                    .Text("to", t.To.ToName()).Time("lease", leaseUntil).Text("node", leaseUntil is null ? null : leaseNode).Time("next", nextAttemptAt).Text("reply", t.Reply).Time("now", now)
                    .Long("id", t.Recipient.Id).Text("from", t.From.ToName()).Time("free", t.UnlessLeased ? now : null);
            }
            await batch.ExecuteNonQueryAsync(cancellationToken);
            for (var i = 0; i < count; i++)
                changed[start + i] = batch.BatchCommands[i].RecordsAffected == 1;
        }
        for (var i = 0; i < transitions.Count; i++)
        {
            var t = transitions[i];
            if (changed[i] && t.ChangesStatus)
                Event(t.Event, t.Recipient, t.From, t.To, t.Reason, null, t.Recipient.Attempts, null, now);
        }
        return changed;
    }

    /// <summary>The event of a recipient that was just queued (or held for review).</summary>
    public void Created(QueuedRecipient recipient, string name, DateTimeOffset now) =>
        Event(name, recipient, null, recipient.Status, null, null, 0, null, now);

    /// <summary>
    /// An event that changes no status (a complaint about a delivered message): its row in the outbox,
    /// with the recipient's status as it stands as both the old and the new one.
    /// </summary>
    public void Note(string type, QueuedRecipient recipient, string? reason, DateTimeOffset now) =>
        Event(type, recipient, recipient.Status, recipient.Status, reason, null, recipient.Attempts, null, now);

    /// <summary>Tries that failed over to another channel: attempts in the log, no status change.</summary>
    public async Task AttemptsAsync(IReadOnlyList<(QueuedRecipient Recipient, DeliveryAttempt Attempt)> tries, RecipientStatus outcome, CancellationToken cancellationToken)
    {
        foreach (var chunk in tries.Chunk(ChangesPerBatch))
        {
            await using var batch = tx.Batch();
            foreach (var (recipient, attempt) in chunk)
                Attempt(batch, recipient, attempt, outcome, RemoteReply.EnhancedIn(attempt.Reply));
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    static void Attempt(NpgsqlBatch batch, QueuedRecipient recipient, DeliveryAttempt a, RecipientStatus outcome, string? enhanced) =>
        batch.Add(AttemptSql).Parameters
            .Long("rid", recipient.Id).Text("mid", recipient.MessageId).Time("at", a.At).Text("outcome", outcome.ToName())
            .Text("channel", a.Channel).Text("mx", a.MxHost).Text("ip", a.MxAddress).Int("code", a.Code).Text("enhanced", enhanced)
            .Text("reply", a.Reply).Text("tls", a.Tls).Long("ms", (long)a.Duration.TotalMilliseconds).Text("policy", a.TlsPolicy);

    void Event(string type, QueuedRecipient r, RecipientStatus? from, RecipientStatus to, string? reason, RemoteReply? reply, int attempt, string? channel, DateTimeOffset now) =>
        tx.Outbox.Add(new PendingEvent(type, r.MessageId, r.Id, r.Address, from?.ToName(), to.ToName(), reason, reply?.Code, reply?.Enhanced, reply?.Text,
            attempt, channel, now));

    /// <summary>
    /// The event of a recipient refused at submission (rejected, or suppressed): no message, no recipient
    /// row, the sender as the refusal names it. Written in the transaction of the refusal's own row.
    /// </summary>
    public void Refused(RefusedRecipient r, DateTimeOffset now) =>
        tx.Outbox.Add(new PendingEvent(r.Event, null, null, r.Address, null, r.Status.ToName(), r.Reason, r.Reply.Code, r.Reply.Enhanced, r.Reply.Text, 0, null, now)
        {
            Sender = r.Sender,
            SenderDomain = r.SenderDomain,
        });
}
