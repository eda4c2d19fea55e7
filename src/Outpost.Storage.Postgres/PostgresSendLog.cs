using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;

namespace Outpost.Storage.Postgres;

/// <summary>
/// The send log's reads, the record of refusals at SMTP time, and the events outbox in id order. Ids of
/// events rise in commit order (<see cref="EventOutbox"/>), so a reader that asks for the events after the
/// last id it saw never misses one that committed late.
/// </summary>
public sealed class PostgresSendLog(PostgresDatabase db) : ISendLog
{
    public Task RecordRefusalAsync(Refusal r, IReadOnlyList<RefusedRecipient>? recipients = null, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command(
                "INSERT INTO refusals (at, session_id, client_ip, auth_user, sender, recipient, stage, code, reply) " +
                "VALUES (@at, @session, @ip, @auth, @sender, @rcpt, @stage, @code, @reply)");
            command.Parameters.Time("at", r.At).Text("session", r.SessionId).Text("ip", r.ClientIp).Text("auth", r.AuthUser).Text("sender", r.Sender)
                .Text("rcpt", r.Recipient).Text("stage", r.Stage).Int("code", r.Code).Text("reply", r.Reply);
            // Each refused recipient's event goes into the outbox of this transaction: a crash keeps both or neither.
            var writer = new TransitionWriter(tx);
            foreach (var refused in recipients ?? [])
                writer.Refused(refused, r.At);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async Task<IReadOnlyList<LogEntry>> QueryAsync(LogQuery q, CancellationToken cancellationToken = default)
    {
        // An argument without @ filters by domain (the stored sender domain: no LIKE, so % and _ are plain characters).
        await using var command = db.Read(
            "SELECT r.message_id, m.received_at, m.sender, r.address, r.status, r.attempts, r.last_reply, m.subject, r.updated_at " +
            "FROM recipients r JOIN messages m ON m.id = r.message_id " +
            "WHERE (@from IS NULL OR m.sender = @from OR m.sender_domain = @from) " +
            "AND (@to IS NULL OR r.address = @to OR r.domain = @to) " +
            "AND (@status IS NULL OR r.status = @status) AND (@since IS NULL OR m.received_at >= @since) AND (@before IS NULL OR m.received_at < @before) " +
            "ORDER BY m.received_at DESC, r.id LIMIT @limit");
        command.Parameters.Text("from", q.From?.ToLowerInvariant()).Text("to", q.To?.ToLowerInvariant()).Text("status", q.Status?.ToName())
            .Time("since", q.Since).Time("before", q.Before).Int("limit", q.Limit);
        return await command.ListAsync(r => new LogEntry(r.GetString(0), r.Time(1), r.GetString(2), r.GetString(3), RecipientStatusNames.Parse(r.GetString(4)),
            r.GetInt32(5), r.Text(6), r.Text(7), r.Time(8)), cancellationToken);
    }

    public async Task<MessageReport?> GetReportAsync(string messageId, CancellationToken cancellationToken = default)
    {
        await using var message = db.Read($"SELECT {Rows.MessageColumns} FROM messages m WHERE m.id = @id");
        message.Parameters.Text("id", messageId);
        if ((await message.ListAsync(r => Rows.Message(r), cancellationToken)).SingleOrDefault() is not { } found)
            return null;
        await using var recipients = db.Read($"SELECT {Rows.RecipientColumns} FROM recipients r WHERE r.message_id = @id ORDER BY r.id");
        recipients.Parameters.Text("id", messageId);
        await using var attempts = db.Read(
            "SELECT r.address, a.outcome, a.at, a.channel, a.mx_host, a.mx_address, a.code, a.reply, a.tls, a.duration_ms, a.tls_policy " +
            "FROM attempts a JOIN recipients r ON r.id = a.recipient_id WHERE a.message_id = @id ORDER BY a.id");
        attempts.Parameters.Text("id", messageId);
        return new MessageReport(
            found,
            await recipients.ListAsync(r => Rows.Recipient(r), cancellationToken),
            await attempts.ListAsync(r => new AttemptEntry(r.GetString(0), RecipientStatusNames.Parse(r.GetString(1)),
                new DeliveryAttempt(r.Time(2), r.Text(3), r.Text(4), r.Text(5), r.Int(6), r.GetString(7), r.Text(8), TimeSpan.FromMilliseconds(r.GetInt64(9)), r.Text(10))),
                cancellationToken));
    }

    public async Task<IReadOnlyList<Refusal>> RefusalsAsync(DateTimeOffset? since, int limit, string? scope = null, CancellationToken cancellationToken = default)
    {
        // A scope with @ is a mailbox (as logged-in user or as sender); without, a domain (of either).
        await using var command = db.Read(
            "SELECT at, session_id, client_ip, auth_user, sender, recipient, stage, code, reply FROM refusals " +
            "WHERE (@since IS NULL OR at >= @since) AND (@scope IS NULL OR auth_user = @scope OR sender = @scope " +
            "OR substring(auth_user from position('@' in auth_user) + 1) = @scope OR substring(sender from position('@' in sender) + 1) = @scope) " +
            "ORDER BY id DESC LIMIT @limit");
        command.Parameters.Time("since", since).Text("scope", scope?.ToLowerInvariant()).Int("limit", limit);
        return await command.ListAsync(r => new Refusal(r.Time(0), r.GetString(1), r.GetString(2), r.Text(3), r.Text(4), r.Text(5), r.GetString(6),
            r.GetInt32(7), r.GetString(8)), cancellationToken);
    }

    public async Task<IReadOnlyList<LifecycleEvent>> EventsAsync(EventQuery query, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read(
            "SELECT id, type, message_id, recipient_id, address, from_status, to_status, reason, code, enhanced, reply, attempt, channel, created_at, sender, sender_domain " +
            "FROM events WHERE id > @after AND (@upTo IS NULL OR id <= @upTo) AND (@message IS NULL OR message_id = @message) AND (@type IS NULL OR type = @type) " +
            "AND (@domain IS NULL OR sender_domain = @domain) ORDER BY id LIMIT @limit");
        command.Parameters.Long("after", query.AfterId).Long("upTo", query.UpTo).Text("message", query.MessageId).Text("type", query.Type)
            .Text("domain", query.SenderDomain).Int("limit", query.Limit);
        return await command.ListAsync(r => new LifecycleEvent(r.GetInt64(0), r.GetString(1), r.Text(2), r.IsDBNull(3) ? null : r.GetInt64(3), r.GetString(4),
            r.Text(5) is { } from ? RecipientStatusNames.Parse(from) : null, RecipientStatusNames.Parse(r.GetString(6)), r.Text(7),
            r.Text(10) is { } reply ? new RemoteReply(r.Int(8), r.Text(9), reply) : null, r.GetInt32(11), r.Text(12), r.Time(13))
        {
            Sender = r.GetString(14),
            SenderDomain = r.GetString(15),
        }, cancellationToken);
    }

    /// <summary>The counter's committed value: ids are taken from it under its row lock in commit order, so every event up to it has committed.</summary>
    public async Task<long> LatestEventIdAsync(CancellationToken cancellationToken = default)
    {
        await using var command = db.Read("SELECT last_id FROM event_counter");
        return (await command.ListAsync(r => r.GetInt64(0), cancellationToken)).Single();
    }
}
