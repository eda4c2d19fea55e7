using Dapper;
using Outpost.Engine.Complaints;
using Outpost.Engine.Policy;
using Outpost.Engine.Queue;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// Complaints in SQLite. A complaint and its effects (the suppression, the outbox event, the violation)
/// are one write transaction, so a crash leaves either all of them or none. The rate's delivered count
/// reads the messages' sender-domain index and their recipients.
/// </summary>
public sealed class SqliteComplaintStore(SqliteDatabase db) : IComplaintStore
{
    sealed class Row
    {
        public long id { get; init; }
        public long received_at { get; init; }
        public string status { get; init; } = "";
        public string explanation { get; init; } = "";
        public string kind { get; init; } = "";
        public string? feedback_type { get; init; }
        public string via { get; init; } = "";
        public string? report_id { get; init; }
        public string? report_address { get; init; }
        public string? reporter { get; init; }
        public string? read_by { get; init; }
        public string? user_agent { get; init; }
        public long? arrival_date { get; init; }
        public string? source_ip { get; init; }
        public string? reported_domain { get; init; }
        public string? original_mail_from { get; init; }
        public string? original_rcpt_to { get; init; }
        public string? comment { get; init; }
        public string? matched_by { get; init; }
        public string? message_id { get; init; }
        public long? recipient_id { get; init; }
        public string? complainer { get; init; }
        public string? sender { get; init; }
        public string? sender_domain { get; init; }
        public string? subject { get; init; }
        public long raw_size { get; init; }
        public long raw_truncated { get; init; }

        public Complaint ToComplaint() => new()
        {
            Id = id, ReceivedAt = Time.FromMs(received_at), Status = status, Explanation = explanation, Kind = kind, FeedbackType = feedback_type,
            Via = via, ReportId = report_id, ReportAddress = report_address, Reporter = reporter, ReadBy = read_by, UserAgent = user_agent,
            ArrivalDate = arrival_date is { } a ? Time.FromMs(a) : null, SourceIp = source_ip, ReportedDomain = reported_domain,
            OriginalMailFrom = original_mail_from, OriginalRcptTo = original_rcpt_to, Comment = comment, MatchedBy = matched_by, MessageId = message_id,
            RecipientId = recipient_id, Complainer = complainer, Sender = sender, SenderDomain = sender_domain, Subject = subject,
            RawSize = raw_size, RawTruncated = raw_truncated != 0,
        };
    }

    const string Columns = "id, received_at, status, explanation, kind, feedback_type, via, report_id, report_address, reporter, read_by, user_agent, " +
        "arrival_date, source_ip, reported_domain, original_mail_from, original_rcpt_to, comment, matched_by, message_id, recipient_id, complainer, " +
        "sender, sender_domain, subject, raw_size, raw_truncated";

    public async Task<Complaint?> FindByReportAsync(string reportId, string address, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        return (await c.QueryFirstOrDefaultAsync<Row>($"SELECT {Columns} FROM complaints WHERE report_id = @reportId AND report_address = @address",
            new { reportId, address }))?.ToComplaint();
    }

    public async Task<Complaint?> FindForRecipientAsync(string messageId, long? recipientId, string status, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        return (await c.QueryFirstOrDefaultAsync<Row>(
            $"SELECT {Columns} FROM complaints WHERE message_id = @messageId AND recipient_id IS @recipientId AND status = @status ORDER BY id LIMIT 1",
            new { messageId, recipientId, status }))?.ToComplaint();
    }

    public async Task<IReadOnlyList<string>> MessagesWithHeaderIdAsync(string headerMessageId, int limit, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        return (await c.QueryAsync<string>("SELECT id FROM messages WHERE header_message_id = @headerMessageId ORDER BY received_at DESC LIMIT @limit",
            new { headerMessageId, limit })).ToList();
    }

    public async Task<IReadOnlyList<(string Id, DateTimeOffset ReceivedAt)>> MessagesSentAsync(string sender, string? recipient, DateTimeOffset from, DateTimeOffset to,
        int limit, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        // With a recipient the recipients' address index leads; without, the messages' sender index.
        var rows = recipient is not null
            ? await c.QueryAsync<(string, long)>(
                "SELECT DISTINCT m.id, m.received_at FROM recipients r JOIN messages m ON m.id = r.message_id " +
                "WHERE r.address = @recipient AND m.sender = @sender AND m.received_at BETWEEN @from AND @to ORDER BY m.received_at DESC LIMIT @limit",
                new { recipient, sender, from = from.ToMs(), to = to.ToMs(), limit })
            : await c.QueryAsync<(string, long)>(
                "SELECT id, received_at FROM messages WHERE sender = @sender AND received_at BETWEEN @from AND @to ORDER BY received_at DESC LIMIT @limit",
                new { sender, from = from.ToMs(), to = to.ToMs(), limit });
        return rows.Select(r => (r.Item1, Time.FromMs(r.Item2))).ToList();
    }

    public Task<Complaint> RecordAsync(Complaint k, byte[] raw, ComplaintEffects? effects, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) =>
        {
            var now = k.ReceivedAt;
            var id = c.ExecuteScalar<long>(
                $"INSERT INTO complaints ({Columns["id, ".Length..]}, raw) VALUES (@at, @Status, @Explanation, @Kind, @FeedbackType, @Via, " +
                "@ReportId, @ReportAddress, @Reporter, @ReadBy, @UserAgent, @arrival, @SourceIp, @ReportedDomain, @OriginalMailFrom, @OriginalRcptTo, @Comment, " +
                "@MatchedBy, @MessageId, @RecipientId, @Complainer, @Sender, @SenderDomain, @Subject, @RawSize, @truncated, @raw) RETURNING id",
                new
                {
                    at = now.ToMs(), k.Status, k.Explanation, k.Kind, k.FeedbackType, k.Via, k.ReportId, k.ReportAddress, k.Reporter, k.ReadBy, k.UserAgent,
                    arrival = k.ArrivalDate?.ToMs(), k.SourceIp, k.ReportedDomain, k.OriginalMailFrom, k.OriginalRcptTo, k.Comment, k.MatchedBy, k.MessageId,
                    k.RecipientId, k.Complainer, k.Sender, k.SenderDomain, k.Subject, k.RawSize, truncated = k.RawTruncated ? 1 : 0, raw,
                }, t);
            if (effects is not null)
            {
                if (effects.Suppression is { } suppression)
                    SqliteSuppressionStore.Upsert(c, t, suppression);
                if (effects.Recipient is { } recipient)
                {
                    using var writer = new TransitionWriter(c, t);
                    writer.Note(LifecycleEvents.Complaint, recipient, effects.EventReason, now.ToMs());
                }
                if (effects.Violation is { } v)
                    SqlitePolicyStore.AddViolation(c, t, now, v.Sender, v.Domain, RestrictionService.ComplaintKind, v.Subject);
            }
            return k with { Id = id };
        }, cancellationToken);

    public async Task<IReadOnlyList<Complaint>> ListAsync(ComplaintQuery q, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var rows = await c.QueryAsync<Row>(
            $"SELECT {Columns} FROM complaints WHERE (@Domain IS NULL OR sender_domain = @Domain) AND (@Status IS NULL OR status = @Status) " +
            "AND (@BeforeId IS NULL OR id < @BeforeId) ORDER BY id DESC LIMIT @Limit", q);
        return rows.Select(r => r.ToComplaint()).ToList();
    }

    public async Task<Complaint?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        return (await c.QuerySingleOrDefaultAsync<Row>($"SELECT {Columns} FROM complaints WHERE id = @id", new { id }))?.ToComplaint();
    }

    public async Task<byte[]?> RawAsync(long id, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        return await c.QuerySingleOrDefaultAsync<byte[]>("SELECT raw FROM complaints WHERE id = @id", new { id });
    }

    public async Task<IReadOnlyList<(string Domain, int Complaints, int Delivered)>> RatesAsync(string? domain, DateTimeOffset since, string countedStatus,
        CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var p = new { domain, since = since.ToMs(), countedStatus, delivered = RecipientStatus.Delivered.ToName(), remote = nameof(Route.Remote).ToLowerInvariant() };
        var complaints = (await c.QueryAsync<(string, long)>(
            "SELECT sender_domain, COUNT(*) FROM complaints WHERE sender_domain IS NOT NULL AND (@domain IS NULL OR sender_domain = @domain) " +
            "AND received_at >= @since AND status = @countedStatus GROUP BY sender_domain", p)).ToDictionary(r => r.Item1, r => (int)r.Item2);
        // Messages with external recipients only: the partial index messages_domain_time holds exactly those.
        var delivered = (await c.QueryAsync<(string, long)>(
            "SELECT m.sender_domain, COUNT(*) FROM messages m JOIN recipients r ON r.message_id = m.id " +
            "WHERE m.remote_recipients > 0 AND (@domain IS NULL OR m.sender_domain = @domain) AND m.received_at >= @since " +
            "AND r.route = @remote AND r.status = @delivered GROUP BY m.sender_domain", p)).ToDictionary(r => r.Item1, r => (int)r.Item2);
        return complaints.Keys.Union(delivered.Keys).Where(d => d.Length > 0)
            .Select(d => (d, complaints.GetValueOrDefault(d), delivered.GetValueOrDefault(d))).ToList();
    }
}
