using Dapper;
using Outpost.Engine.Delivery.Tls.MtaSts;

namespace Outpost.Storage.Sqlite;

/// <summary>Fetched MTA-STS policies in SQLite (<c>mta_sts_policies</c>), one row per domain; patterns one per line.</summary>
public sealed class SqliteMtaStsCache(SqliteDatabase db) : IMtaStsCache
{
    sealed record Row(string domain, string policy_id, string mode, string mx, long max_age, long fetched_at, long expires_at)
    {
        public MtaStsCacheEntry ToEntry() => new(domain,
            new MtaStsPolicy(policy_id, Enum.Parse<MtaStsMode>(mode, true), mx.Length == 0 ? [] : mx.Split('\n'), TimeSpan.FromSeconds(max_age)),
            Time.FromMs(fetched_at), Time.FromMs(expires_at));
    }

    public async Task<MtaStsCacheEntry?> GetAsync(string domain, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var row = await c.QuerySingleOrDefaultAsync<Row>(
            "SELECT domain, policy_id, mode, mx, max_age, fetched_at, expires_at FROM mta_sts_policies WHERE domain = @domain", new { domain });
        return row?.ToEntry();
    }

    public Task SaveAsync(MtaStsCacheEntry e, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute(
            "INSERT INTO mta_sts_policies (domain, policy_id, mode, mx, max_age, fetched_at, expires_at) VALUES (@domain, @id, @mode, @mx, @age, @fetched, @expires) " +
            "ON CONFLICT (domain) DO UPDATE SET policy_id = excluded.policy_id, mode = excluded.mode, mx = excluded.mx, max_age = excluded.max_age, " +
            "fetched_at = excluded.fetched_at, expires_at = excluded.expires_at",
            new
            {
                domain = e.Domain, id = e.Policy.Id, mode = e.Policy.Mode.ToString().ToLowerInvariant(), mx = string.Join('\n', e.Policy.Mx),
                age = (long)e.Policy.MaxAge.TotalSeconds, fetched = e.FetchedAt.ToMs(), expires = e.ExpiresAt.ToMs(),
            }, t), cancellationToken);
}
