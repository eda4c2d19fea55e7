using Npgsql;
using NpgsqlTypes;
using Outpost.Engine.Complaints;
using Outpost.Engine.Policy;
using Outpost.Engine.Queue;

namespace Outpost.Storage.Postgres;

/// <summary>
/// Complaints in PostgreSQL. A complaint and its effects (the suppression, the outbox event, the violation)
/// are one write transaction, so a crash leaves either all of them or none; a report read twice (after a
/// crash, or by two nodes) meets the unique (report id, address) pair and is not a second complaint. How a
/// report is matched and what it causes is decided by the engine. Security: the raw report is kept as
/// bytes (at most the configured size) and only ever returned to an operator.
/// </summary>
public sealed class PostgresComplaintStore(PostgresDatabase db) : IComplaintStore
{
    const string Columns = "id, received_at, status, explanation, kind, feedback_type, via, report_id, report_address, reporter, read_by, user_agent, " +
        "arrival_date, source_ip, reported_domain, original_mail_from, original_rcpt_to, comment, matched_by, message_id, recipient_id, complainer, " +
        "sender, sender_domain, subject, raw_size, raw_truncated";

    static Complaint Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetInt64(0), ReceivedAt = r.Time(1), Status = r.GetString(2), Explanation = r.GetString(3), Kind = r.GetString(4), FeedbackType = r.Text(5),
        Via = r.GetString(6), ReportId = r.Text(7), ReportAddress = r.Text(8), Reporter = r.Text(9), ReadBy = r.Text(10), UserAgent = r.Text(11),
        ArrivalDate = r.TimeOrNull(12), SourceIp = r.Text(13), ReportedDomain = r.Text(14), OriginalMailFrom = r.Text(15), OriginalRcptTo = r.Text(16),
        Comment = r.Text(17), MatchedBy = r.Text(18), MessageId = r.Text(19), RecipientId = r.IsDBNull(20) ? null : r.GetInt64(20), Complainer = r.Text(21),
        Sender = r.Text(22), SenderDomain = r.Text(23), Subject = r.Text(24), RawSize = r.GetInt64(25), RawTruncated = r.GetBoolean(26),
    };

    public async Task<Complaint?> FindByReportAsync(string reportId, string address, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT {Columns} FROM complaints WHERE report_id = @report AND report_address = @address");
        command.Parameters.Text("report", reportId).Text("address", address);
        return (await command.ListAsync(Read, cancellationToken)).FirstOrDefault();
    }

    public async Task<Complaint?> FindForRecipientAsync(string messageId, long? recipientId, string status, CancellationToken cancellationToken = default)
    {
        // IS NOT DISTINCT FROM: a complaint naming nobody of its message (null) matches another that names nobody.
        await using var command = db.Read(
            $"SELECT {Columns} FROM complaints WHERE message_id = @message AND recipient_id IS NOT DISTINCT FROM @recipient AND status = @status ORDER BY id LIMIT 1");
        command.Parameters.Text("message", messageId).Long("recipient", recipientId).Text("status", status);
        return (await command.ListAsync(Read, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<string>> MessagesWithHeaderIdAsync(string headerMessageId, int limit, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read("SELECT id FROM messages WHERE header_message_id = @header ORDER BY received_at DESC, id LIMIT @limit");
        command.Parameters.Text("header", headerMessageId).Int("limit", limit);
        return await command.ListAsync(r => r.GetString(0), cancellationToken);
    }

    public async Task<IReadOnlyList<(string Id, DateTimeOffset ReceivedAt)>> MessagesSentAsync(string sender, string? recipient, DateTimeOffset from, DateTimeOffset to,
        int limit, CancellationToken cancellationToken = default)
    {
        // With a recipient the recipients' address index leads; without, the messages' sender index.
        await using var command = db.Read(recipient is not null
            ? "SELECT DISTINCT m.id, m.received_at FROM recipients r JOIN messages m ON m.id = r.message_id " +
              "WHERE r.address = @recipient AND m.sender = @sender AND m.received_at BETWEEN @from AND @to ORDER BY m.received_at DESC, m.id LIMIT @limit"
            : "SELECT id, received_at FROM messages WHERE sender = @sender AND received_at BETWEEN @from AND @to ORDER BY received_at DESC, id LIMIT @limit");
        command.Parameters.Text("recipient", recipient).Text("sender", sender).Time("from", from).Time("to", to).Int("limit", limit);
        return await command.ListAsync(r => (r.GetString(0), r.Time(1)), cancellationToken);
    }

    public Task<Complaint> RecordAsync(Complaint k, byte[] raw, ComplaintEffects? effects, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            var now = k.ReceivedAt;
            await using var insert = tx.Command(
                $"INSERT INTO complaints ({Columns["id, ".Length..]}, raw) VALUES (@at, @status, @explanation, @kind, @feedback, @via, @report, @address, @reporter, " +
                "@readBy, @agent, @arrival, @ip, @reported, @mailFrom, @rcptTo, @comment, @matchedBy, @message, @recipient, @complainer, @sender, @domain, @subject, " +
                "@size, @truncated, @raw) RETURNING id");
            insert.Parameters.Time("at", now).Text("status", k.Status).Text("explanation", k.Explanation).Text("kind", k.Kind).Text("feedback", k.FeedbackType)
                .Text("via", k.Via).Text("report", k.ReportId).Text("address", k.ReportAddress).Text("reporter", k.Reporter).Text("readBy", k.ReadBy)
                .Text("agent", k.UserAgent).Time("arrival", k.ArrivalDate).Text("ip", k.SourceIp).Text("reported", k.ReportedDomain)
                .Text("mailFrom", k.OriginalMailFrom).Text("rcptTo", k.OriginalRcptTo).Text("comment", k.Comment).Text("matchedBy", k.MatchedBy)
                .Text("message", k.MessageId).Long("recipient", k.RecipientId).Text("complainer", k.Complainer).Text("sender", k.Sender)
                .Text("domain", k.SenderDomain).Text("subject", k.Subject).Long("size", k.RawSize);
            insert.Parameters.Add(new NpgsqlParameter("truncated", NpgsqlDbType.Boolean) { Value = k.RawTruncated });
            insert.Parameters.Add(new NpgsqlParameter("raw", NpgsqlDbType.Bytea) { Value = raw });
            var id = (long)(await insert.ExecuteScalarAsync(ct))!;
            if (effects is not null)
            {
                if (effects.Suppression is { } suppression)
                    await PostgresSuppressionStore.UpsertAsync(tx, suppression, ct);
                if (effects.Recipient is { } recipient)
                    new TransitionWriter(tx).Note(LifecycleEvents.Complaint, recipient, effects.EventReason, now);
                if (effects.Violation is { } v)
                    await PostgresPolicyStore.AddViolationAsync(tx, now, v.Sender, v.Domain, RestrictionService.ComplaintKind, v.Subject, ct);
            }
            return k with { Id = id };
        }, cancellationToken);

    public async Task<IReadOnlyList<Complaint>> ListAsync(ComplaintQuery q, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read(
            $"SELECT {Columns} FROM complaints WHERE (@domain IS NULL OR sender_domain = @domain) AND (@status IS NULL OR status = @status) " +
            "AND (@before IS NULL OR id < @before) ORDER BY id DESC LIMIT @limit");
        command.Parameters.Text("domain", q.Domain).Text("status", q.Status).Long("before", q.BeforeId).Int("limit", q.Limit);
        return await command.ListAsync(Read, cancellationToken);
    }

    public async Task<Complaint?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT {Columns} FROM complaints WHERE id = @id");
        command.Parameters.Long("id", id);
        return (await command.ListAsync(Read, cancellationToken)).SingleOrDefault();
    }

    public async Task<byte[]?> RawAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read("SELECT raw FROM complaints WHERE id = @id");
        command.Parameters.Long("id", id);
        return (await command.ListAsync(r => r.GetFieldValue<byte[]>(0), cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<(string Domain, int Complaints, int Delivered)>> RatesAsync(string? domain, DateTimeOffset since, string countedStatus,
        CancellationToken cancellationToken = default)
    {
        await using var complained = db.Read(
            "SELECT sender_domain, COUNT(*) FROM complaints WHERE sender_domain IS NOT NULL AND (@domain IS NULL OR sender_domain = @domain) " +
            "AND received_at >= @since AND status = @counted GROUP BY sender_domain");
        complained.Parameters.Text("domain", domain).Time("since", since).Text("counted", countedStatus);
        var complaints = (await complained.ListAsync(r => (r.GetString(0), (int)r.GetInt64(1)), cancellationToken)).ToDictionary(r => r.Item1, r => r.Item2);
        // Messages with external recipients only: the partial index messages_domain_time holds exactly those.
        await using var deliveredCount = db.Read(
            "SELECT m.sender_domain, COUNT(*) FROM messages m JOIN recipients r ON r.message_id = m.id " +
            "WHERE m.remote_recipients > 0 AND (@domain IS NULL OR m.sender_domain = @domain) AND m.received_at >= @since " +
            "AND r.route = @remote AND r.status = @delivered GROUP BY m.sender_domain");
        deliveredCount.Parameters.Text("domain", domain).Time("since", since).Text("remote", nameof(Route.Remote).ToLowerInvariant())
            .Text("delivered", RecipientStatus.Delivered.ToName());
        var delivered = (await deliveredCount.ListAsync(r => (r.GetString(0), (int)r.GetInt64(1)), cancellationToken)).ToDictionary(r => r.Item1, r => r.Item2);
        return complaints.Keys.Union(delivered.Keys).Where(d => d.Length > 0)
            .Select(d => (d, complaints.GetValueOrDefault(d), delivered.GetValueOrDefault(d))).ToList();
    }
}
