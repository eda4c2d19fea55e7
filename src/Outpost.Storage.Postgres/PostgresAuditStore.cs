using Npgsql;
using Outpost.Engine.Audit;

namespace Outpost.Storage.Postgres;

/// <summary>The audit trail in PostgreSQL: queue actions and restrictions, read newest first.</summary>
public sealed class PostgresAuditStore(PostgresDatabase db) : IAuditStore
{
    const string Columns = "id, at, actor, via, action, target, domain, reason, touched, skipped";

    static AuditEntry Read(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.Time(1), r.GetString(2), r.Text(3), r.GetString(4), r.GetString(5), r.Text(6), r.Text(7), r.GetInt32(8), r.GetInt32(9));

    public Task<AuditEntry> AddAsync(AuditEntry entry, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) => entry with { Id = await InsertAsync(tx, entry, ct), Touched = 0, Skipped = 0 }, cancellationToken);

    /// <summary>A line of the trail inside a caller's transaction (a restriction and its line commit together); returns its id.</summary>
    internal static async Task<long> InsertAsync(WriteTransaction tx, AuditEntry entry, CancellationToken cancellationToken)
    {
        await using var command = tx.Command(
            "INSERT INTO audit (at, actor, via, action, target, domain, reason) VALUES (@at, @actor, @via, @action, @target, @domain, @reason) RETURNING id");
        command.Parameters.Time("at", entry.At).Text("actor", entry.Actor).Text("via", entry.Via).Text("action", entry.Action).Text("target", entry.Target)
            .Text("domain", entry.Domain).Text("reason", entry.Reason);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<AuditEntry?> GetAsync(long id, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT {Columns} FROM audit WHERE id = @id");
        command.Parameters.Long("id", id);
        return (await command.ListAsync(Read, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        var where = new List<string>();
        var given = new List<Action<NpgsqlParameterCollection>>();
        void Add(string condition, Action<NpgsqlParameterCollection> parameter)
        {
            where.Add(condition);
            given.Add(parameter);
        }
        if (query.Actions is { Count: > 0 } actions)
            Add("action = ANY(@actions)", p => p.TextArray("actions", [.. actions]));
        if (query.Target is { } target)
            Add("target = @target", p => p.Text("target", target));
        if (query.Domain is { } domain)
            Add("domain = @domain", p => p.Text("domain", domain.ToLowerInvariant()));
        if (query.Since is { } since)
            Add("at >= @since", p => p.Time("since", since));
        if (query.BeforeId is { } before)
            Add("id < @before", p => p.Long("before", before));
        await using var command = db.Read($"SELECT {Columns} FROM audit" + (where.Count > 0 ? " WHERE " + string.Join(" AND ", where) : "") + " ORDER BY id DESC LIMIT @limit");
        command.Parameters.Int("limit", Math.Clamp(query.Limit, 1, 10_000));
        foreach (var parameter in given)
            parameter(command.Parameters);
        return await command.ListAsync(Read, cancellationToken);
    }
}
