using Dapper;
using Outpost.Engine.Domains;
using Outpost.Engine.Signing;

namespace Outpost.Storage.Sqlite;

/// <summary>DKIM keys and sending-record checks in SQLite.</summary>
public sealed class SqliteDomainDnsStore(SqliteDatabase db) : IDomainDnsStore
{
    sealed record KeyRow(string domain, string selector, string algorithm, string state, string public_key, long created_at, long? activated_at, long? retire_after)
    {
        public DkimKey ToKey() => new(domain, selector, Enum.Parse<DkimAlgorithm>(algorithm, true), Enum.Parse<DkimKeyState>(state, true), public_key,
            Time.FromMs(created_at), activated_at is { } a ? Time.FromMs(a) : null, retire_after is { } r ? Time.FromMs(r) : null);
    }

    sealed record CheckRow(string domain, string record, string status, string sentence, string? found, long checked_at, long? first_valid_at)
    {
        public DnsCheck ToCheck() => new(domain, record, Enum.Parse<DnsRecordStatus>(status, true), sentence, found, Time.FromMs(checked_at),
            first_valid_at is { } f ? Time.FromMs(f) : null);
    }

    static object Parameters(DkimKey k) => new
    {
        domain = k.Domain, selector = k.Selector, algorithm = k.Algorithm.ToString().ToLowerInvariant(), state = k.State.ToString().ToLowerInvariant(),
        key = k.PublicKey, created = k.CreatedAt.ToMs(), activated = k.ActivatedAt?.ToMs(), retire = k.RetireAfter?.ToMs(),
    };

    public Task AddKeyAsync(DkimKey key, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute(
            "INSERT INTO dkim_keys (domain, selector, algorithm, state, public_key, created_at, activated_at, retire_after) " +
            "VALUES (@domain, @selector, @algorithm, @state, @key, @created, @activated, @retire)", Parameters(key), t), cancellationToken);

    public Task UpdateKeyAsync(DkimKey key, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute(
            "UPDATE dkim_keys SET state = @state, activated_at = @activated, retire_after = @retire WHERE domain = @domain AND selector = @selector",
            Parameters(key), t), cancellationToken);

    public async Task<IReadOnlyList<DkimKey>> KeysAsync(string domain, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var rows = await c.QueryAsync<KeyRow>(
            "SELECT domain, selector, algorithm, state, public_key, created_at, activated_at, retire_after FROM dkim_keys WHERE domain = @domain ORDER BY created_at, selector",
            new { domain });
        return rows.Select(r => r.ToKey()).ToList();
    }

    public async Task<IReadOnlyList<DnsCheck>> ChecksAsync(string domain, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var rows = await c.QueryAsync<CheckRow>(
            "SELECT domain, record, status, sentence, found, checked_at, first_valid_at FROM dns_checks WHERE domain = @domain", new { domain });
        return rows.Select(r => r.ToCheck()).ToList();
    }

    public Task SaveChecksAsync(string domain, IReadOnlyList<DnsCheck> checks, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) =>
        {
            c.Execute("DELETE FROM dns_checks WHERE domain = @domain", new { domain }, t);
            foreach (var check in checks)
                c.Execute("INSERT INTO dns_checks (domain, record, status, sentence, found, checked_at, first_valid_at) VALUES (@domain, @record, @status, @sentence, @found, @at, @first)",
                    new
                    {
                        domain, record = check.Record, status = check.Status.ToString().ToLowerInvariant(), sentence = check.Sentence, found = check.Found,
                        at = check.CheckedAt.ToMs(), first = check.FirstValidAt?.ToMs(),
                    }, t);
            return checks.Count;
        }, cancellationToken);
}
