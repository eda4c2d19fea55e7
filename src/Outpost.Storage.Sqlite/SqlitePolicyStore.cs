using Dapper;
using Microsoft.Data.Sqlite;
using Outpost.Engine.Audit;
using Outpost.Engine.Policy;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// Violations, restrictions and the counts behind rate limits, in SQLite. Each restriction and lift writes
/// its line of the audit trail (<see cref="AuditRows"/>) in its own transaction.
/// </summary>
public sealed class SqlitePolicyStore(SqliteDatabase db) : IPolicyStore
{
    sealed record RestrictionRow(long id, string scope, string subject, string reason, long created_at, string created_by, long? lifted_at, string? lifted_by, string? lift_reason)
    {
        public Restriction ToRestriction() => new(id, scope, subject, reason, Time.FromMs(created_at), created_by,
            lifted_at is { } l ? Time.FromMs(l) : null, lifted_by, lift_reason);
    }

    const string RestrictionColumns = "id, scope, subject, reason, created_at, created_by, lifted_at, lifted_by, lift_reason";

    public Task AddViolationAsync(DateTimeOffset at, string sender, string domain, ContentClass contentClass, string? subject, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => AddViolation(c, t, at, sender, domain, contentClass.Code(), subject), cancellationToken);

    /// <summary>A violation inside a caller's transaction; <paramref name="kind"/> is a content class's code, or a complaint's.</summary>
    internal static int AddViolation(SqliteConnection c, SqliteTransaction t, DateTimeOffset at, string sender, string domain, string kind, string? subject) =>
        c.Execute("INSERT INTO violations (at, sender, domain, class, subject) VALUES (@at, @sender, @domain, @kind, @subject)",
            new { at = at.ToMs(), sender, domain, kind, subject }, t);

    public async Task<int> CountViolationsAsync(string? sender, string? domain, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        return await c.ExecuteScalarAsync<int>(
            "SELECT COUNT(*) FROM violations WHERE at >= @since AND (@sender IS NULL OR sender = @sender) AND (@domain IS NULL OR domain = @domain)",
            new { since = since.ToMs(), sender, domain });
    }

    public async Task<Restriction?> ActiveRestrictionAsync(string address, string domain, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var row = await c.QueryFirstOrDefaultAsync<RestrictionRow>(
            $"SELECT {RestrictionColumns} FROM restrictions WHERE lifted_at IS NULL AND ((scope = 'mailbox' AND subject = @address) OR (scope = 'domain' AND subject = @domain)) " +
            "ORDER BY scope = 'domain' DESC, id LIMIT 1", new { address, domain });
        return row?.ToRestriction();
    }

    public Task<Restriction> RestrictAsync(string scope, string subject, string reason, AuditActor by, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) =>
        {
            var id = c.ExecuteScalar<long>(
                "INSERT INTO restrictions (scope, subject, reason, created_at, created_by) VALUES (@scope, @subject, @reason, @at, @by) RETURNING id",
                new { scope, subject, reason, at = at.ToMs(), by = by.Name }, t);
            AuditRows.Insert(c, t, Line(at, by, AuditActions.Restricted, subject, reason));
            return new Restriction(id, scope, subject, reason, at, by.Name, null, null, null);
        }, cancellationToken);

    public Task<Restriction?> LiftAsync(string subject, AuditActor by, string reason, DateTimeOffset at, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) =>
        {
            var row = c.QueryFirstOrDefault<RestrictionRow>($"SELECT {RestrictionColumns} FROM restrictions WHERE lifted_at IS NULL AND subject = @subject ORDER BY id LIMIT 1", new { subject }, t);
            if (row is null)
                return null;
            c.Execute("UPDATE restrictions SET lifted_at = @at, lifted_by = @by, lift_reason = @reason WHERE lifted_at IS NULL AND subject = @subject",
                new { at = at.ToMs(), by = by.Name, reason, subject }, t);
            AuditRows.Insert(c, t, Line(at, by, AuditActions.Lifted, subject, reason));
            return row.ToRestriction() with { LiftedAt = at, LiftedBy = by.Name, LiftReason = reason };
        }, cancellationToken);

    public async Task<IReadOnlyList<Restriction>> RestrictionsAsync(bool includeLifted, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var rows = await c.QueryAsync<RestrictionRow>($"SELECT {RestrictionColumns} FROM restrictions WHERE @all OR lifted_at IS NULL ORDER BY id DESC", new { all = includeLifted });
        return rows.Select(r => r.ToRestriction()).ToList();
    }

    /// <summary>A restriction's line: its subject is the target, and the subject's domain the domain whose admins may read it.</summary>
    static AuditEntry Line(DateTimeOffset at, AuditActor by, string action, string subject, string reason) =>
        new(0, at, by.Name, by.Via, action, subject, subject.Contains('@') ? subject[(subject.IndexOf('@') + 1)..] : subject, reason, 0, 0);

    sealed record CountRow(long messages_day, long recipients_day, long messages_hour, long recipients_hour);

    public async Task<SentCounts> SentAsync(string? sender, string? domain, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var column = sender is not null ? "sender" : "sender_domain";
        var row = await c.QuerySingleAsync<CountRow>(
            "SELECT COUNT(*) AS messages_day, COALESCE(SUM(remote_recipients), 0) AS recipients_day, " +
            "COALESCE(SUM(CASE WHEN received_at >= @hour THEN 1 ELSE 0 END), 0) AS messages_hour, " +
            "COALESCE(SUM(CASE WHEN received_at >= @hour THEN remote_recipients ELSE 0 END), 0) AS recipients_hour " +
            $"FROM messages WHERE {column} = @who AND received_at >= @day AND remote_recipients > 0",
            new { who = sender ?? domain, hour = (now - TimeSpan.FromHours(1)).ToMs(), day = (now - TimeSpan.FromDays(1)).ToMs() });
        return new SentCounts((int)row.messages_hour, (int)row.recipients_hour, (int)row.messages_day, (int)row.recipients_day);
    }
}
