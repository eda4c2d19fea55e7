using Microsoft.Data.Sqlite;
using Outpost.Engine.Queue;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// Applies the status changes that <see cref="RecipientTransitions"/> decided, inside the caller's
/// transaction: "set the new status where the status is still the old one", and for every change that
/// took, its row in the events outbox. A change whose recipient moved on meanwhile (another node, an
/// operator) does not take and emits nothing; the caller learns it from the result. The outbox's one
/// event without a change (a complaint) is written here too, and so is the event of a recipient refused
/// at submission, which never had a row (<see cref="Refused"/>, beside the refusal's): every event row
/// has one writer.
/// Commands are prepared once per transaction and reused for every row of a batch.
/// </summary>
sealed class TransitionWriter(SqliteConnection connection, SqliteTransaction transaction) : IDisposable
{
    SqliteCommand? _outcome, _transition, _event, _attempt;

    /// <summary>
    /// The guard of a change that must not take under a delivery's feet (<see cref="RecipientTransition.UnlessLeased"/>):
    /// with $free set to now, a recipient whose lease has not run out is left as it is; with $free null, no guard.
    /// </summary>
    const string UnlessLeased = " AND ($free IS NULL OR lease_until IS NULL OR lease_until < $free)";

    /// <summary>
    /// The guard of a delivery's outcome (<see cref="RecipientOutcome.ByLeaseHolder"/>): with $holder set to the
    /// recording node's name, a recipient whose lease another node has taken over is left to that node; with $holder null, no guard.
    /// </summary>
    const string ByLeaseHolder = " AND ($holder IS NULL OR lease_node = $holder)";

    /// <summary>
    /// An attempt's outcome: a delivery's attempt is recorded whether or not the status change takes. A delivery's
    /// outcome takes only under the lease of <paramref name="leaseNode"/> (the recording node).
    /// </summary>
    public bool Apply(RecipientOutcome o, long now, string? leaseNode = null)
    {
        if (o.ByLeaseHolder && leaseNode is null)
            throw new InvalidOperationException("A delivery's outcome is recorded by the node that holds its lease; this writer was given none.");
        _outcome ??= Prepared.Command(connection, transaction,
            "UPDATE recipients SET status = $to, attempts = attempts + 1, next_attempt_at = COALESCE($next, next_attempt_at), " +
            "lease_until = NULL, lease_node = NULL, last_reply = $reply, updated_at = $now WHERE id = $id AND status = $from" + UnlessLeased + ByLeaseHolder);
        var changed = Prepared.Run(_outcome, o.NewStatus.ToName(), o.NextAttemptAt?.ToMs(), o.Attempt.Reply, now, o.Recipient.Id, o.Recipient.Status.ToName(),
            o.UnlessLeased ? now : null, o.ByLeaseHolder ? leaseNode : null) == 1;
        // The reply's parts once, for the attempt row and the event alike.
        var reply = RemoteReply.Of(o.Attempt);
        // A delivery's try happened whether or not its outcome still applies; an operator's decision that
        // did not take (a delivery claimed the recipient first) happened nowhere.
        if (changed || !o.UnlessLeased)
            Attempt(o.Recipient, o.Attempt, o.NewStatus, reply.Enhanced);
        if (changed)
            Event(o.Event, o.Recipient, o.Recipient.Status, o.NewStatus, o.Reason, reply, o.Recipient.Attempts + 1, o.Attempt.Channel, now);
        return changed;
    }

    /// <summary>
    /// A change without an attempt: a claim (with its lease, held by <paramref name="leaseNode"/>), a hold, a
    /// release, a lease let go, an operator's retry or delete (no lease: both cleared).
    /// </summary>
    public bool Apply(RecipientTransition t, long now, long? leaseUntil, long? nextAttemptAt = null, string? leaseNode = null)
    {
        _transition ??= Prepared.Command(connection, transaction,
            "UPDATE recipients SET status = $to, lease_until = $lease, lease_node = $node, next_attempt_at = COALESCE($next, next_attempt_at), " +
            "last_reply = COALESCE($reply, last_reply), updated_at = $now WHERE id = $id AND status = $from" + UnlessLeased);
        var changed = Prepared.Run(_transition, t.To.ToName(), leaseUntil, leaseUntil is null ? null : leaseNode, nextAttemptAt, t.Reply, now, t.Recipient.Id,
            t.From.ToName(), t.UnlessLeased ? now : null) == 1;
        if (changed && t.ChangesStatus)
            Event(t.Event, t.Recipient, t.From, t.To, t.Reason, null, t.Recipient.Attempts, null, now);
        return changed;
    }

    /// <summary>The event of a recipient that was just queued (or held for review).</summary>
    public void Created(QueuedRecipient recipient, string name, long now) =>
        Event(name, recipient, null, recipient.Status, null, null, 0, null, now);

    /// <summary>
    /// An event that changes no status (a complaint about a delivered message): its row in the outbox,
    /// with the recipient's status as it stands as both the old and the new one.
    /// </summary>
    public void Note(string type, QueuedRecipient recipient, string? reason, long now) =>
        Event(type, recipient, recipient.Status, recipient.Status, reason, null, recipient.Attempts, null, now);

    /// <summary>A try that failed over to another channel: an attempt in the log, no status change.</summary>
    public void Attempt(QueuedRecipient recipient, DeliveryAttempt a, RecipientStatus outcome) =>
        Attempt(recipient, a, outcome, RemoteReply.EnhancedIn(a.Reply));

    void Attempt(QueuedRecipient recipient, DeliveryAttempt a, RecipientStatus outcome, string? enhanced)
    {
        _attempt ??= Prepared.Command(connection, transaction,
            "INSERT INTO attempts (recipient_id, message_id, at, outcome, channel, mx_host, mx_address, code, enhanced, reply, tls, duration_ms, tls_policy) " +
            "VALUES ($rid, $mid, $at, $outcome, $channel, $mx, $ip, $code, $enhanced, $reply, $tls, $ms, $policy)");
        Prepared.Run(_attempt, recipient.Id, recipient.MessageId, a.At.ToMs(), outcome.ToName(), a.Channel, a.MxHost, a.MxAddress, a.Code,
            enhanced, a.Reply, a.Tls, (long)a.Duration.TotalMilliseconds, a.TlsPolicy);
    }

    /// <summary>
    /// The event of a recipient refused at submission (rejected, or suppressed): no message, no recipient
    /// row, the sender as the refusal names it. Written in the transaction of the refusal's own row.
    /// </summary>
    public void Refused(RefusedRecipient r, long now) =>
        Insert(r.Event, null, null, r.Address, r.Sender, r.SenderDomain, null, r.Status, r.Reason, r.Reply, 0, null, now);

    void Event(string type, QueuedRecipient r, RecipientStatus? from, RecipientStatus to, string? reason, RemoteReply? reply, int attempt, string? channel, long now) =>
        Insert(type, r.MessageId, r.Id, r.Address, null, null, from, to, reason, reply, attempt, channel, now);

    /// <summary>
    /// One outbox row. Without a sender given, the message's sender and sending domain are copied from its
    /// row (a primary-key lookup), so every event carries them and webhooks can route by domain.
    /// </summary>
    void Insert(string type, string? messageId, long? recipientId, string address, string? sender, string? senderDomain, RecipientStatus? from, RecipientStatus to,
        string? reason, RemoteReply? reply, int attempt, string? channel, long now)
    {
        _event ??= Prepared.Command(connection, transaction,
            "INSERT INTO events (type, message_id, recipient_id, address, sender, sender_domain, from_status, to_status, reason, code, enhanced, reply, attempt, channel, created_at) " +
            "VALUES ($type, $mid, $rid, $address, COALESCE($sender, (SELECT sender FROM messages WHERE id = $mid), ''), " +
            "COALESCE($domain, (SELECT sender_domain FROM messages WHERE id = $mid), ''), " +
            "$from, $to, $reason, $code, $enhanced, $reply, $attempt, $channel, $now)");
        Prepared.Run(_event, type, messageId, recipientId, address, sender, senderDomain, from?.ToName(), to.ToName(), reason, reply?.Code, reply?.Enhanced, reply?.Text,
            attempt, channel, now);
    }

    public void Dispose()
    {
        _outcome?.Dispose();
        _transition?.Dispose();
        _event?.Dispose();
        _attempt?.Dispose();
    }
}
