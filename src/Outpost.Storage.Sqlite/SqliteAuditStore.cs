using Dapper;
using Outpost.Engine.Audit;

namespace Outpost.Storage.Sqlite;

/// <summary>The audit trail in SQLite: one table for queue actions and restrictions alike, read newest first.</summary>
public sealed class SqliteAuditStore(SqliteDatabase db) : IAuditStore
{
    sealed record Row(long id, long at, string actor, string? via, string action, string target, string? domain, string? reason, long touched, long skipped)
    {
        public AuditEntry ToEntry() => new(id, Time.FromMs(at), actor, via, action, target, domain, reason, (int)touched, (int)skipped);
    }

    const string Select = "SELECT id, at, actor, via, action, target, domain, reason, touched, skipped FROM audit";

    public Task<AuditEntry> AddAsync(AuditEntry entry, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => entry with { Id = AuditRows.Insert(c, t, entry), Touched = 0, Skipped = 0 }, cancellationToken);

    public async Task<AuditEntry?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        return (await c.QuerySingleOrDefaultAsync<Row>(Select + " WHERE id = @id", new { id }))?.ToEntry();
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var where = new List<string>();
        if (query.Actions is { Count: > 0 })
            where.Add("action IN @actions");
        if (query.Target is not null)
            where.Add("target = @target");
        if (query.Domain is not null)
            where.Add("domain = @domain");
        if (query.Since is not null)
            where.Add("at >= @since");
        if (query.BeforeId is not null)
            where.Add("id < @before");
        var sql = Select + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY id DESC LIMIT @limit";
        var rows = await c.QueryAsync<Row>(sql, new
        {
            actions = query.Actions, target = query.Target, domain = query.Domain?.ToLowerInvariant(), since = query.Since?.ToMs(), before = query.BeforeId,
            limit = Math.Clamp(query.Limit, 1, 10_000),
        });
        return rows.Select(r => r.ToEntry()).ToList();
    }
}
