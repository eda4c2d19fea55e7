using Npgsql;
using Outpost.Engine.Audit;
using Outpost.Engine.Policy;

namespace Outpost.Storage.Postgres;

/// <summary>
/// Violations, restrictions and the counts behind rate limits, in PostgreSQL and so shared by every node:
/// a restriction made on one node holds on all of them from its commit, and the rate limits count what
/// every node accepted. Each restriction and lift writes its line of the audit trail in its own
/// transaction. Which counts restrict whom is decided by the engine; the statements only count and apply.
/// </summary>
public sealed class PostgresPolicyStore(PostgresDatabase db) : IPolicyStore
{
    const string RestrictionColumns = "id, scope, subject, reason, created_at, created_by, lifted_at, lifted_by, lift_reason";

    static Restriction Read(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.Time(4), r.GetString(5), r.TimeOrNull(6), r.Text(7), r.Text(8));

    public Task AddViolationAsync(DateTimeOffset at, string sender, string domain, ContentClass contentClass, string? subject, CancellationToken cancellationToken = default) =>
        db.WriteAsync((tx, ct) => AddViolationAsync(tx, at, sender, domain, contentClass.Code(), subject, ct), cancellationToken);

    /// <summary>A violation inside a caller's transaction; <paramref name="kind"/> is a content class's code, or a complaint's.</summary>
    internal static async Task<int> AddViolationAsync(WriteTransaction tx, DateTimeOffset at, string sender, string domain, string kind, string? subject,
        CancellationToken cancellationToken)
    {
        await using var command = tx.Command("INSERT INTO violations (at, sender, domain, class, subject) VALUES (@at, @sender, @domain, @kind, @subject)");
        command.Parameters.Time("at", at).Text("sender", sender).Text("domain", domain).Text("kind", kind).Text("subject", subject);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<int> CountViolationsAsync(string? sender, string? domain, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read(
            "SELECT COUNT(*) FROM violations WHERE at >= @since AND (@sender IS NULL OR sender = @sender) AND (@domain IS NULL OR domain = @domain)");
        command.Parameters.Time("since", since).Text("sender", sender).Text("domain", domain);
        return (int)(long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<Restriction?> ActiveRestrictionAsync(string address, string domain, CancellationToken cancellationToken = default)
    {
        // A domain's restriction before a mailbox's, as on SQLite: it is the wider one to lift.
        await using var command = db.Read(
            $"SELECT {RestrictionColumns} FROM restrictions WHERE lifted_at IS NULL AND ((scope = 'mailbox' AND subject = @address) OR (scope = 'domain' AND subject = @domain)) " +
            "ORDER BY scope = 'domain' DESC, id LIMIT 1");
        command.Parameters.Text("address", address).Text("domain", domain);
        return (await command.ListAsync(Read, cancellationToken)).SingleOrDefault();
    }

    public Task<Restriction> RestrictAsync(string scope, string subject, string reason, AuditActor by, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command(
                "INSERT INTO restrictions (scope, subject, reason, created_at, created_by) VALUES (@scope, @subject, @reason, @at, @by) RETURNING id");
            command.Parameters.Text("scope", scope).Text("subject", subject).Text("reason", reason).Time("at", at).Text("by", by.Name);
            var id = (long)(await command.ExecuteScalarAsync(ct))!;
            await PostgresAuditStore.InsertAsync(tx, Line(at, by, AuditActions.Restricted, subject, reason), ct);
            return new Restriction(id, scope, subject, reason, at, by.Name, null, null, null);
        }, cancellationToken);

    public Task<Restriction?> LiftAsync(string subject, AuditActor by, string reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        db.WriteAsync<Restriction?>(async (tx, ct) =>
        {
            // Locked, so two operators lifting at once write one lift and one line: the second finds nothing left.
            await using var select = tx.Command(
                $"SELECT {RestrictionColumns} FROM restrictions WHERE lifted_at IS NULL AND subject = @subject ORDER BY id FOR UPDATE");
            select.Parameters.Text("subject", subject);
            var open = await select.ListAsync(Read, ct);
            if (open.Count == 0)
                return null;
            await using var update = tx.Command(
                "UPDATE restrictions SET lifted_at = @at, lifted_by = @by, lift_reason = @reason WHERE lifted_at IS NULL AND id = ANY(@ids)");
            update.Parameters.Time("at", at).Text("by", by.Name).Text("reason", reason).LongArray("ids", [.. open.Select(r => (long?)r.Id)]);
            await update.ExecuteNonQueryAsync(ct);
            await PostgresAuditStore.InsertAsync(tx, Line(at, by, AuditActions.Lifted, subject, reason), ct);
            return open[0] with { LiftedAt = at, LiftedBy = by.Name, LiftReason = reason };
        }, cancellationToken);

    public async Task<IReadOnlyList<Restriction>> RestrictionsAsync(bool includeLifted, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT {RestrictionColumns} FROM restrictions WHERE @all OR lifted_at IS NULL ORDER BY id DESC");
        command.Parameters.Add(new NpgsqlParameter("all", NpgsqlTypes.NpgsqlDbType.Boolean) { Value = includeLifted });
        return await command.ListAsync(Read, cancellationToken);
    }

    /// <summary>A restriction's line: its subject is the target, and the subject's domain the domain whose admins may read it.</summary>
    static AuditEntry Line(DateTimeOffset at, AuditActor by, string action, string subject, string reason) =>
        new(0, at, by.Name, by.Via, action, subject, subject.Contains('@') ? subject[(subject.IndexOf('@') + 1)..] : subject, reason, 0, 0);

    public async Task<SentCounts> SentAsync(string? sender, string? domain, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var column = sender is not null ? "sender" : "sender_domain";
        // Only messages with external recipients: the partial indexes messages_sender_time and messages_domain_time hold exactly those.
        await using var command = db.Read(
            "SELECT COUNT(*), COALESCE(SUM(remote_recipients), 0), COUNT(*) FILTER (WHERE received_at >= @hour), " +
            "COALESCE(SUM(remote_recipients) FILTER (WHERE received_at >= @hour), 0) " +
            $"FROM messages WHERE {column} = @who AND received_at >= @day AND remote_recipients > 0");
        command.Parameters.Text("who", sender ?? domain).Time("hour", now - TimeSpan.FromHours(1)).Time("day", now - TimeSpan.FromDays(1));
        return (await command.ListAsync(r => new SentCounts((int)r.GetInt64(2), (int)r.GetInt64(3), (int)r.GetInt64(0), (int)r.GetInt64(1)), cancellationToken)).Single();
    }
}
