using Npgsql;
using Outpost.Engine.Domains;
using Outpost.Engine.Signing;

namespace Outpost.Storage.Postgres;

/// <summary>
/// DKIM key records and sending-record checks in PostgreSQL. A key's state changes here are seen by every
/// node on its next read. Security: public halves only; private keys are files on the nodes.
/// </summary>
public sealed class PostgresDomainDnsStore(PostgresDatabase db) : IDomainDnsStore
{
    const string KeyColumns = "domain, selector, algorithm, state, public_key, created_at, activated_at, retire_after";
    const string CheckColumns = "domain, record, status, sentence, found, checked_at, first_valid_at";

    static DkimKey Key(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), Enum.Parse<DkimAlgorithm>(r.GetString(2), true), Enum.Parse<DkimKeyState>(r.GetString(3), true), r.GetString(4),
            r.Time(5), r.TimeOrNull(6), r.TimeOrNull(7));

    static DnsCheck Check(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), Enum.Parse<DnsRecordStatus>(r.GetString(2), true), r.GetString(3), r.Text(4), r.Time(5), r.TimeOrNull(6));

    static NpgsqlParameterCollection Parameters(NpgsqlParameterCollection p, DkimKey k) =>
        p.Text("domain", k.Domain).Text("selector", k.Selector).Text("algorithm", k.Algorithm.ToString().ToLowerInvariant())
            .Text("state", k.State.ToString().ToLowerInvariant()).Text("key", k.PublicKey).Time("created", k.CreatedAt)
            .Time("activated", k.ActivatedAt).Time("retire", k.RetireAfter);

    public Task AddKeyAsync(DkimKey key, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command($"INSERT INTO dkim_keys ({KeyColumns}) VALUES (@domain, @selector, @algorithm, @state, @key, @created, @activated, @retire)");
            Parameters(command.Parameters, key);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public Task UpdateKeyAsync(DkimKey key, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command(
                "UPDATE dkim_keys SET state = @state, activated_at = @activated, retire_after = @retire WHERE domain = @domain AND selector = @selector");
            Parameters(command.Parameters, key);
            return await command.ExecuteNonQueryAsync(ct);
        }, cancellationToken);

    public async Task<IReadOnlyList<DkimKey>> KeysAsync(string domain, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT {KeyColumns} FROM dkim_keys WHERE domain = @domain ORDER BY created_at, selector COLLATE \"C\"");
        command.Parameters.Text("domain", domain);
        return await command.ListAsync(Key, cancellationToken);
    }

    public async Task<IReadOnlyList<DnsCheck>> ChecksAsync(string domain, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read($"SELECT {CheckColumns} FROM dns_checks WHERE domain = @domain ORDER BY record COLLATE \"C\"");
        command.Parameters.Text("domain", domain);
        return await command.ListAsync(Check, cancellationToken);
    }

    public Task SaveChecksAsync(string domain, IReadOnlyList<DnsCheck> checks, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            // One round trip: the old checks out, the new ones in, in one transaction (a reader sees one set or the other).
            await using var batch = tx.Batch();
            batch.Add("DELETE FROM dns_checks WHERE domain = @domain").Parameters.Text("domain", domain);
            foreach (var check in checks)
                batch.Add($"INSERT INTO dns_checks ({CheckColumns}) VALUES (@domain, @record, @status, @sentence, @found, @at, @first)").Parameters
                    .Text("domain", domain).Text("record", check.Record).Text("status", check.Status.ToString().ToLowerInvariant()).Text("sentence", check.Sentence)
                    .Text("found", check.Found).Time("at", check.CheckedAt).Time("first", check.FirstValidAt);
            await batch.ExecuteNonQueryAsync(ct);
            return checks.Count;
        }, cancellationToken);
}
