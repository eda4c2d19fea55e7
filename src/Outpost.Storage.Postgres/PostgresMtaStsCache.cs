using Outpost.Engine.Delivery.Tls.MtaSts;

namespace Outpost.Storage.Postgres;

/// <summary>Fetched MTA-STS policies in PostgreSQL (<c>mta_sts_policies</c>), one row per domain; patterns one per line.</summary>
public sealed class PostgresMtaStsCache(PostgresDatabase db) : IMtaStsCache
{
    public async Task<MtaStsCacheEntry?> GetAsync(string domain, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read("SELECT domain, policy_id, mode, mx, max_age, fetched_at, expires_at FROM mta_sts_policies WHERE domain = @domain");
        command.Parameters.Text("domain", domain);
        return (await command.ListAsync(r =>
        {
            var mx = r.GetString(3);
            return new MtaStsCacheEntry(r.GetString(0),
                new MtaStsPolicy(r.GetString(1), Enum.Parse<MtaStsMode>(r.GetString(2), true), mx.Length == 0 ? [] : mx.Split('\n'), TimeSpan.FromSeconds(r.GetInt64(4))),
                r.Time(5), r.Time(6));
        }, cancellationToken)).SingleOrDefault();
    }

    public Task SaveAsync(MtaStsCacheEntry e, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command(
                "INSERT INTO mta_sts_policies (domain, policy_id, mode, mx, max_age, fetched_at, expires_at) VALUES (@domain, @id, @mode, @mx, @age, @fetched, @expires) " +
                "ON CONFLICT (domain) DO UPDATE SET policy_id = EXCLUDED.policy_id, mode = EXCLUDED.mode, mx = EXCLUDED.mx, max_age = EXCLUDED.max_age, " +
                "fetched_at = EXCLUDED.fetched_at, expires_at = EXCLUDED.expires_at");
            command.Parameters.Text("domain", e.Domain).Text("id", e.Policy.Id).Text("mode", e.Policy.Mode.ToString().ToLowerInvariant())
                .Text("mx", string.Join('\n', e.Policy.Mx)).Long("age", (long)e.Policy.MaxAge.TotalSeconds).Time("fetched", e.FetchedAt).Time("expires", e.ExpiresAt);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);
}
