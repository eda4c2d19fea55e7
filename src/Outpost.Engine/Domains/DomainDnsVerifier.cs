using System.Net;
using Outpost.Engine.Configuration;
using Outpost.Engine.Dns;
using Outpost.Engine.Domains.Spf;
using Outpost.Engine.Signing;

namespace Outpost.Engine.Domains;

/// <summary>
/// Checks a domain's sending records live, record by record (S2): SPF evaluated by RFC 7208 against
/// the service's sending addresses, each DKIM key's TXT record against its public key, DMARC parsed.
/// Each result says in one sentence what is wrong and exactly what to publish instead. Results are
/// stored with the time each record was first seen valid, and verified pending DKIM keys take over.
/// </summary>
public sealed class DomainDnsVerifier(ITxtResolver dns, IDomainDnsStore store, DkimKeyManager keys, SendingOptions options, TimeProvider time)
{
    readonly SpfEvaluator _spf = new(dns);

    /// <summary>Looks at DNS now, stores what it found, and returns the report.</summary>
    public async Task<DomainDnsReport> CheckAsync(string domain, CancellationToken cancellationToken = default)
    {
        await keys.CreateInitialKeysAsync(domain, cancellationToken);
        var now = time.GetUtcNow();
        var previous = (await store.ChecksAsync(domain, cancellationToken)).ToDictionary(c => c.Record);
        var checks = new List<DnsCheck>
        {
            await CheckSpfAsync(domain, now, cancellationToken),
        };
        foreach (var key in (await store.KeysAsync(domain, cancellationToken)).Where(k => k.State is not DkimKeyState.Retired))
            checks.Add(await CheckDkimAsync(key, now, cancellationToken));
        checks.Add(await CheckDmarcAsync(domain, now, cancellationToken));

        checks = checks.Select(c => c with
        {
            FirstValidAt = c.Status != DnsRecordStatus.Ok ? null
                : previous.TryGetValue(c.Record, out var p) && p.Status == DnsRecordStatus.Ok && p.FirstValidAt is not null ? p.FirstValidAt : now,
        }).ToList();
        await store.SaveChecksAsync(domain, checks, cancellationToken);
        // A record checked twice counts as its first check says.
        await keys.AdvanceAsync(domain, checks.DistinctBy(c => c.Record).Where(c => c.Status == DnsRecordStatus.Ok).Select(c => c.Record).ToHashSet(), cancellationToken);
        return await ReportAsync(domain, cancellationToken);
    }

    /// <summary>The report from the last stored check, without asking DNS.</summary>
    public async Task<DomainDnsReport> ReportAsync(string domain, CancellationToken cancellationToken = default)
    {
        var checks = (await store.ChecksAsync(domain, cancellationToken)).ToDictionary(c => c.Record);
        var records = new List<RecordCheck>();

        checks.TryGetValue("spf", out var spf);
        var spfValue = spf is { Status: DnsRecordStatus.Ok, Found: not null } ? spf.Found : SpfAdvice.Record(options, spf?.Status == DnsRecordStatus.Wrong ? spf.Found : null);
        records.Add(Record(RecordKind.Spf, "spf", domain, spfValue, true, spf, $"Publish the SPF record: {spfValue}"));

        foreach (var key in (await store.KeysAsync(domain, cancellationToken)).Where(k => k.State is not DkimKeyState.Retired).OrderBy(k => k.State).ThenBy(k => k.Algorithm))
        {
            checks.TryGetValue(key.CheckName, out var dkim);
            var note = key.State switch
            {
                DkimKeyState.Pending => $"Publish the new DKIM record at {key.RecordName}; signing switches to it once it is seen.",
                DkimKeyState.Retiring => $"Keep this DKIM record until {key.RetireAfter:yyyy-MM-dd}: mail signed with it may still be on its way.",
                _ => $"Publish the DKIM record at {key.RecordName}.",
            };
            records.Add(Record(RecordKind.Dkim, key.CheckName, key.RecordName, key.RecordValue, key.State == DkimKeyState.Active, dkim, note));
        }

        checks.TryGetValue("dmarc", out var dmarc);
        var dmarcValue = dmarc is { Status: DnsRecordStatus.Ok, Found: not null } ? dmarc.Found : options.DmarcRecord;
        records.Add(Record(RecordKind.Dmarc, "dmarc", "_dmarc." + domain, dmarcValue, true, dmarc, $"Publish the DMARC record at _dmarc.{domain}: {dmarcValue}"));

        var checkedAt = checks.Count == 0 ? (DateTimeOffset?)null : checks.Values.Max(c => c.CheckedAt);
        var required = records.Where(r => r.Required).ToList();
        var validSince = required.All(r => r.FirstValidAt is not null) ? required.Max(r => r.FirstValidAt) : null;
        return new DomainDnsReport(domain, records, checkedAt, validSince);
    }

    static RecordCheck Record(RecordKind kind, string check, string name, string value, bool required, DnsCheck? stored, string advice) =>
        new(kind, check, name, "TXT", value, required, stored?.Status ?? DnsRecordStatus.Missing,
            stored?.Sentence ?? "Not checked yet. " + advice, stored?.Found, stored?.FirstValidAt);

    async Task<DnsCheck> CheckSpfAsync(string domain, DateTimeOffset now, CancellationToken ct)
    {
        DnsCheck Result(DnsRecordStatus status, string sentence, string? found) => new(domain, "spf", status, sentence, found, now, null);

        var (records, error) = await _spf.RecordsAsync(domain, ct);
        if (error is not null)
            return Result(DnsRecordStatus.Error, $"The SPF record of {domain} could not be looked up ({error}); Outpost will look again.", null);
        if (records.Count == 0)
            return Result(DnsRecordStatus.Missing, $"{domain} has no SPF record. Publish this TXT record at {domain}: {SpfAdvice.Record(options, null)}", null);
        if (records.Count > 1)
            return Result(DnsRecordStatus.Conflict,
                $"{domain} has {records.Count} SPF records, which receivers treat as an error. Replace them all with this one: {SpfAdvice.Merge(options, records)}",
                string.Join(" | ", records));

        var existing = records[0];
        var advice = SpfAdvice.Record(options, existing);
        if (SpfRecord.Parse(existing, out var syntax) is null)
            return Result(DnsRecordStatus.Wrong, $"The SPF record of {domain} is not valid ({syntax}). Publish instead: {SpfAdvice.Record(options, null)}", existing);

        if (options.Addresses.Count == 0)
        {
            var record = SpfRecord.Parse(existing, out _)!;
            var terms = record.Terms.Select(t => t.ToString()).ToList();
            return SpfAdvice.ServiceTerms(options).All(t => terms.Contains(t, StringComparer.OrdinalIgnoreCase))
                ? Result(DnsRecordStatus.Ok, $"The SPF record of {domain} includes the service.", existing)
                : Result(DnsRecordStatus.Wrong, $"The SPF record of {domain} does not include the service. Publish instead: {advice}", existing);
        }

        foreach (var text in options.Addresses)
        {
            // Skipping a bad entry once let every domain's SPF check pass; serve refuses it at start, and here it fails the check.
            if (!IPAddress.TryParse(text, out var address))
                return Result(DnsRecordStatus.Error, $"Sending:Addresses has '{text}', which is not an address; the operator must correct it before SPF records can be checked.", existing);
            var outcome = await _spf.CheckHostAsync(address, domain, "postmaster@" + domain, ct);
            switch (outcome.Result)
            {
                case SpfResult.Pass:
                    continue;
                case SpfResult.TempError:
                    return Result(DnsRecordStatus.Error, $"The SPF record of {domain} could not be evaluated ({outcome.Reason}); Outpost will look again.", existing);
                case SpfResult.PermError when outcome.Reason.Contains("DNS lookups", StringComparison.Ordinal):
                    return Result(DnsRecordStatus.Wrong,
                        $"The SPF record of {domain} needs more than {SpfEvaluator.MaxLookups} DNS lookups, so receivers treat it as an error; remove includes you no longer use, and make sure it reads: {advice}", existing);
                case SpfResult.PermError:
                    return Result(DnsRecordStatus.Wrong, $"The SPF record of {domain} is an error for receivers ({outcome.Reason}). Publish instead: {advice}", existing);
                default:
                    return Result(DnsRecordStatus.Wrong,
                        $"The SPF record of {domain} does not authorise the service's server {address} (it gets {outcome.Result.ToString().ToLowerInvariant()}). Publish instead: {advice}", existing);
            }
        }
        return Result(DnsRecordStatus.Ok, $"The SPF record of {domain} authorises the service.", existing);
    }

    async Task<DnsCheck> CheckDkimAsync(DkimKey key, DateTimeOffset now, CancellationToken ct)
    {
        DnsCheck Result(DnsRecordStatus status, string sentence, string? found) => new(key.Domain, key.CheckName, status, sentence, found, now, null);

        var txt = await dns.TxtAsync(key.RecordName, ct);
        if (txt.Failed)
            return Result(DnsRecordStatus.Error, $"The DKIM record at {key.RecordName} could not be looked up ({txt.Error}); Outpost will look again.", null);
        var found = txt.Records.Where(r => r.Contains("p=", StringComparison.Ordinal) || r.StartsWith("v=DKIM1", StringComparison.OrdinalIgnoreCase)).ToList();
        if (found.Count == 0)
            return Result(DnsRecordStatus.Missing, $"There is no DKIM record at {key.RecordName}. Publish this TXT record there: {key.RecordValue}", null);
        if (found.Count > 1)
            return Result(DnsRecordStatus.Conflict, $"There are {found.Count} DKIM records at {key.RecordName}; keep only this one: {key.RecordValue}", string.Join(" | ", found));

        var tags = found[0].Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => t.Split('=', 2)).Where(t => t.Length == 2)
            .GroupBy(t => t[0].Trim().ToLowerInvariant()).ToDictionary(g => g.Key, g => string.Concat(g.First()[1].Where(c => !char.IsWhiteSpace(c))));
        var keyType = tags.GetValueOrDefault("k", "rsa");
        var expectedType = key.Algorithm == DkimAlgorithm.Rsa ? "rsa" : "ed25519";
        if (!tags.TryGetValue("p", out var published) || published != key.PublicKey || !keyType.Equals(expectedType, StringComparison.OrdinalIgnoreCase))
            return Result(DnsRecordStatus.Wrong, $"The DKIM record at {key.RecordName} carries another key than Outpost signs with. Publish instead: {key.RecordValue}", found[0]);
        return Result(DnsRecordStatus.Ok, $"The DKIM record at {key.RecordName} carries the current key.", found[0]);
    }

    async Task<DnsCheck> CheckDmarcAsync(string domain, DateTimeOffset now, CancellationToken ct)
    {
        var name = "_dmarc." + domain;
        DnsCheck Result(DnsRecordStatus status, string sentence, string? found) => new(domain, "dmarc", status, sentence, found, now, null);

        var txt = await dns.TxtAsync(name, ct);
        if (txt.Failed)
            return Result(DnsRecordStatus.Error, $"The DMARC record at {name} could not be looked up ({txt.Error}); Outpost will look again.", null);
        var found = txt.Records.Where(DmarcRecord.IsDmarc).ToList();
        if (found.Count == 0)
            return Result(DnsRecordStatus.Missing, $"There is no DMARC record at {name}. Publish this TXT record there: {options.DmarcRecord}", null);
        if (found.Count > 1)
            return Result(DnsRecordStatus.Conflict, $"There are {found.Count} DMARC records at {name}, which receivers ignore; keep only one, e.g.: {options.DmarcRecord}", string.Join(" | ", found));
        if (DmarcRecord.Problem(found[0]) is { } problem)
            return Result(DnsRecordStatus.Wrong, $"The DMARC record at {name} is not valid: {problem}. Publish instead: {options.DmarcRecord}", found[0]);
        return Result(DnsRecordStatus.Ok, $"The DMARC record at {name} is valid.", found[0]);
    }
}
