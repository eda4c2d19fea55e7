using Dapper;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;

namespace Outpost.Storage.Sqlite;

/// <summary>The send log's reads, and the record of refusals at SMTP time.</summary>
public sealed class SqliteSendLog(SqliteDatabase db) : ISendLog
{
    sealed record EntryRow(string message_id, long received_at, string sender, string address, string status, long attempts, string? last_reply, string? subject, long updated_at);

    sealed record AttemptRow(string address, string outcome, long at, string? channel, string? mx_host, string? mx_address, long? code, string reply, string? tls, long duration_ms, string? tls_policy);

    sealed class EventRow
    {
        public long id { get; init; }
        public string type { get; init; } = "";
        public string? message_id { get; init; }
        public long? recipient_id { get; init; }
        public string address { get; init; } = "";
        public string sender { get; init; } = "";
        public string sender_domain { get; init; } = "";
        public string? from_status { get; init; }
        public string to_status { get; init; } = "";
        public string? reason { get; init; }
        public long? code { get; init; }
        public string? enhanced { get; init; }
        public string? reply { get; init; }
        public long attempt { get; init; }
        public string? channel { get; init; }
        public long created_at { get; init; }

        public LifecycleEvent ToEvent() => new(id, type, message_id, recipient_id, address,
            from_status is null ? null : RecipientStatusNames.Parse(from_status), RecipientStatusNames.Parse(to_status), reason,
            reply is null ? null : new RemoteReply((int?)code, enhanced, reply), (int)attempt, channel, Time.FromMs(created_at))
        {
            Sender = sender,
            SenderDomain = sender_domain,
        };
    }

    sealed record RefusalRow(long at, string session_id, string client_ip, string? auth_user, string? sender, string? recipient, string stage, long code, string reply);

    public Task RecordRefusalAsync(Refusal r, IReadOnlyList<RefusedRecipient>? recipients = null, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) =>
        {
            c.Execute(
                "INSERT INTO refusals (at, session_id, client_ip, auth_user, sender, recipient, stage, code, reply) VALUES (@at, @session, @ip, @auth, @sender, @rcpt, @stage, @code, @reply)",
                new { at = r.At.ToMs(), session = r.SessionId, ip = r.ClientIp, auth = r.AuthUser, sender = r.Sender, rcpt = r.Recipient, stage = r.Stage, code = r.Code, reply = r.Reply }, t);
            if (recipients is { Count: > 0 })
            {
                // Each refused recipient's event, in the refusal's transaction: a crash keeps both or neither.
                using var writer = new TransitionWriter(c, t);
                foreach (var refused in recipients)
                    writer.Refused(refused, r.At.ToMs());
            }
            return 0;
        }, cancellationToken);

    public async Task<IReadOnlyList<LogEntry>> QueryAsync(LogQuery q, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        // An argument without @ filters by domain (the stored sender domain: no LIKE, so % and _ are plain characters).
        var rows = await c.QueryAsync<EntryRow>(
            "SELECT r.message_id, m.received_at, m.sender, r.address, r.status, r.attempts, r.last_reply, m.subject, r.updated_at " +
            "FROM recipients r JOIN messages m ON m.id = r.message_id " +
            "WHERE (@from IS NULL OR m.sender = @from OR m.sender_domain = @from) " +
            "AND (@to IS NULL OR r.address = @to OR r.domain = @to) " +
            "AND (@status IS NULL OR r.status = @status) AND (@since IS NULL OR m.received_at >= @since) AND (@before IS NULL OR m.received_at < @before) " +
            "ORDER BY m.received_at DESC, r.id LIMIT @limit",
            new { from = q.From?.ToLowerInvariant(), to = q.To?.ToLowerInvariant(), status = q.Status?.ToName(), since = q.Since?.ToMs(), before = q.Before?.ToMs(), limit = q.Limit });
        return rows.Select(r => new LogEntry(r.message_id, Time.FromMs(r.received_at), r.sender, r.address, RecipientStatusNames.Parse(r.status),
            (int)r.attempts, r.last_reply, r.subject, Time.FromMs(r.updated_at))).ToList();
    }

    public async Task<MessageReport?> GetReportAsync(string messageId, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var message = await c.QuerySingleOrDefaultAsync<MessageRow>($"SELECT {Columns.Message} FROM messages m WHERE m.id = @messageId", new { messageId });
        if (message is null)
            return null;
        var recipients = await c.QueryAsync<RecipientRow>($"SELECT {Columns.Recipient} FROM recipients r WHERE r.message_id = @messageId ORDER BY r.id", new { messageId });
        var attempts = await c.QueryAsync<AttemptRow>(
            "SELECT r.address, a.outcome, a.at, a.channel, a.mx_host, a.mx_address, a.code, a.reply, a.tls, a.duration_ms, a.tls_policy " +
            "FROM attempts a JOIN recipients r ON r.id = a.recipient_id WHERE a.message_id = @messageId ORDER BY a.id", new { messageId });
        return new MessageReport(
            message.ToMessage(),
            recipients.Select(r => r.ToRecipient()).ToList(),
            attempts.Select(a => new AttemptEntry(a.address, RecipientStatusNames.Parse(a.outcome),
                new DeliveryAttempt(Time.FromMs(a.at), a.channel, a.mx_host, a.mx_address, (int?)a.code, a.reply, a.tls, TimeSpan.FromMilliseconds(a.duration_ms), a.tls_policy))).ToList());
    }

    public async Task<IReadOnlyList<Refusal>> RefusalsAsync(DateTimeOffset? since, int limit, string? scope = null, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        // A scope with @ is a mailbox (as logged-in user or as sender); without, a domain (of either).
        var rows = await c.QueryAsync<RefusalRow>(
            "SELECT at, session_id, client_ip, auth_user, sender, recipient, stage, code, reply FROM refusals " +
            "WHERE (@since IS NULL OR at >= @since) AND (@scope IS NULL OR auth_user = @scope OR sender = @scope " +
            "OR substr(auth_user, instr(auth_user, '@') + 1) = @scope OR substr(sender, instr(sender, '@') + 1) = @scope) ORDER BY id DESC LIMIT @limit",
            new { since = since?.ToMs(), limit, scope = scope?.ToLowerInvariant() });
        return rows.Select(r => new Refusal(Time.FromMs(r.at), r.session_id, r.client_ip, r.auth_user, r.sender, r.recipient, r.stage, (int)r.code, r.reply)).ToList();
    }

    public async Task<IReadOnlyList<LifecycleEvent>> EventsAsync(EventQuery query, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        // Only the filters asked for, as plain conditions, so SQLite can walk events_message or events_domain
        // (an "@x IS NULL OR" condition would keep it from using either).
        var where = new List<string> { "id > @after" };
        if (query.UpTo is not null)
            where.Add("id <= @upTo");
        if (query.MessageId is not null)
            where.Add("message_id = @message");
        if (query.Type is not null)
            where.Add("type = @type");
        if (query.SenderDomain is not null)
            where.Add("sender_domain = @domain");
        var rows = await c.QueryAsync<EventRow>(
            "SELECT id, type, message_id, recipient_id, address, sender, sender_domain, from_status, to_status, reason, code, enhanced, reply, attempt, channel, created_at " +
            $"FROM events WHERE {string.Join(" AND ", where)} ORDER BY id LIMIT @limit",
            new { after = query.AfterId, upTo = query.UpTo, message = query.MessageId, type = query.Type, domain = query.SenderDomain, limit = query.Limit });
        return rows.Select(r => r.ToEvent()).ToList();
    }

    public async Task<long> LatestEventIdAsync(CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        return await c.ExecuteScalarAsync<long?>("SELECT MAX(id) FROM events") ?? 0;
    }
}
