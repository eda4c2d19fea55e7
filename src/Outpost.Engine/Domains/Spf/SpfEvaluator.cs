using System.Net;
using System.Net.Sockets;
using Outpost.Engine.Dns;

namespace Outpost.Engine.Domains.Spf;

/// <summary>
/// check_host() of RFC 7208: fetches the domain's one SPF record, walks its directives in order, follows
/// include and redirect, and stops with permerror past 10 DNS-querying terms or 2 void lookups.
/// "ptr" is counted but never matches (§5.5 says it SHOULD NOT be used). Used to prove that the
/// service's sending addresses pass a customer's SPF record before the domain may send.
/// </summary>
public sealed class SpfEvaluator(ITxtResolver dns)
{
    public const int MaxLookups = 10;
    const int MaxVoidLookups = 2;
    const int MaxMxHosts = 10;

    sealed class State
    {
        public int Lookups;
        public int Voids;
    }

    sealed class LimitException(string reason) : Exception(reason);

    public async Task<SpfOutcome> CheckHostAsync(IPAddress ip, string domain, string sender, CancellationToken cancellationToken = default)
    {
        var state = new State();
        try
        {
            var (result, reason) = await CheckAsync(ip, domain, sender, state, 0, cancellationToken);
            return new SpfOutcome(result, reason, state.Lookups);
        }
        catch (LimitException ex)
        {
            return new SpfOutcome(SpfResult.PermError, ex.Message, state.Lookups);
        }
    }

    /// <summary>The SPF record of a domain: none, one, or a conflict (more than one).</summary>
    public async Task<(IReadOnlyList<string> Records, string? Error)> RecordsAsync(string domain, CancellationToken cancellationToken = default)
    {
        var txt = await dns.TxtAsync(domain, cancellationToken);
        return txt.Failed ? ([], txt.Error) : (txt.Records.Where(SpfRecord.IsSpf).ToList(), null);
    }

    async Task<(SpfResult, string)> CheckAsync(IPAddress ip, string domain, string sender, State state, int depth, CancellationToken ct)
    {
        if (depth > 20)
            throw new LimitException("the record includes itself");
        var (records, error) = await RecordsAsync(domain, ct);
        if (error is not null)
            return (SpfResult.TempError, error);
        if (records.Count == 0)
            return (SpfResult.None, $"{domain} has no SPF record");
        if (records.Count > 1)
            return (SpfResult.PermError, $"{domain} has {records.Count} SPF records");
        var record = SpfRecord.Parse(records[0], out var syntax);
        if (record is null)
            return (SpfResult.PermError, $"the SPF record of {domain} is not valid: {syntax}");

        foreach (var term in record.Terms.Where(t => !t.IsModifier))
        {
            var (match, problem) = await MatchAsync(term, ip, domain, sender, state, depth, ct);
            if (problem is { } p)
                return p;
            if (match)
                return (term.Qualifier switch
                {
                    '-' => SpfResult.Fail,
                    '~' => SpfResult.SoftFail,
                    '?' => SpfResult.Neutral,
                    _ => SpfResult.Pass,
                }, $"{domain}: {ip} matched {term}");
        }

        if (record.Redirect is { } redirect)
        {
            Count(state);
            var target = SpfMacro.Expand(redirect.Argument ?? "", ip, domain, sender, domain);
            if (string.IsNullOrEmpty(target))
                return (SpfResult.PermError, $"the redirect of {domain} is not valid");
            var (result, reason) = await CheckAsync(ip, target, sender, state, depth + 1, ct);
            return result == SpfResult.None ? (SpfResult.PermError, $"the redirect target {target} has no SPF record") : (result, reason);
        }
        return (SpfResult.Neutral, $"{domain}: no term matched {ip}");
    }

    async Task<(bool Match, (SpfResult, string)? Problem)> MatchAsync(SpfTerm term, IPAddress ip, string domain, string sender, State state, int depth, CancellationToken ct)
    {
        switch (term.Name)
        {
            case "all":
                return (true, null);
            case "ip4":
            case "ip6":
            {
                if (!TryNetwork(term.Argument!, term.Name == "ip4", out var network))
                    return (false, (SpfResult.PermError, $"'{term}' is not a valid network"));
                return (network.Contains(Normalize(ip)), null);
            }
            case "include":
            {
                Count(state);
                var target = SpfMacro.Expand(term.Argument!, ip, domain, sender, domain);
                if (string.IsNullOrEmpty(target))
                    return (false, (SpfResult.PermError, $"'{term}' is not valid"));
                var (result, reason) = await CheckAsync(ip, target, sender, state, depth + 1, ct);
                return result switch
                {
                    SpfResult.Pass => (true, null),
                    SpfResult.TempError => (false, (SpfResult.TempError, reason)),
                    SpfResult.PermError or SpfResult.None => (false, (SpfResult.PermError, result == SpfResult.None ? $"the included domain {target} has no SPF record" : reason)),
                    _ => (false, null),
                };
            }
            case "a":
            case "mx":
            {
                Count(state);
                var (target, cidr4, cidr6) = SplitDualCidr(term.Argument, domain);
                target = SpfMacro.Expand(target, ip, domain, sender, domain) ?? "";
                if (target.Length == 0 || cidr4 is < 0 or > 32 || cidr6 is < 0 or > 128)
                    return (false, (SpfResult.PermError, $"'{term}' is not valid"));
                IReadOnlyList<string> hosts = [target];
                if (term.Name == "mx")
                {
                    var mx = await dns.MxAsync(target, ct);
                    if (mx.Failed)
                        return (false, (SpfResult.TempError, mx.Error!));
                    if (mx.Records.Count == 0)
                        Void(state);
                    if (mx.Records.Count > MaxMxHosts)
                        return (false, (SpfResult.PermError, $"{target} has more than {MaxMxHosts} MX hosts"));
                    hosts = mx.Records;
                }
                foreach (var host in hosts)
                {
                    var addresses = await dns.AddressesAsync(host, ct);
                    if (addresses.Failed)
                        return (false, (SpfResult.TempError, addresses.Error!));
                    if (addresses.Records.Count == 0 && term.Name == "a")
                        Void(state);
                    var candidate = Normalize(ip);
                    foreach (var address in addresses.Records)
                    {
                        var prefix = address.AddressFamily == AddressFamily.InterNetwork ? cidr4 : cidr6;
                        if (address.AddressFamily == candidate.AddressFamily && new IPNetwork(Mask(address, prefix), prefix).Contains(candidate))
                            return (true, null);
                    }
                }
                return (false, null);
            }
            case "exists":
            {
                Count(state);
                var target = SpfMacro.Expand(term.Argument!, ip, domain, sender, domain);
                if (string.IsNullOrEmpty(target))
                    return (false, (SpfResult.PermError, $"'{term}' is not valid"));
                var addresses = await dns.AddressesAsync(target, ct);
                if (addresses.Failed)
                    return (false, (SpfResult.TempError, addresses.Error!));
                if (!addresses.Records.Any(a => a.AddressFamily == AddressFamily.InterNetwork))
                {
                    Void(state);
                    return (false, null);
                }
                return (true, null);
            }
            case "ptr":
                Count(state);
                return (false, null);
            default:
                return (false, (SpfResult.PermError, $"unknown mechanism {term.Name}"));
        }
    }

    static void Count(State state)
    {
        if (++state.Lookups > MaxLookups)
            throw new LimitException($"the record needs more than {MaxLookups} DNS lookups");
    }

    static void Void(State state)
    {
        if (++state.Voids > MaxVoidLookups)
            throw new LimitException($"more than {MaxVoidLookups} lookups found nothing");
    }

    static IPAddress Normalize(IPAddress ip) => ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;

    static IPAddress Mask(IPAddress address, int prefix)
    {
        var bytes = address.GetAddressBytes();
        for (var i = 0; i < bytes.Length; i++)
        {
            var bits = Math.Clamp(prefix - i * 8, 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bits));
        }
        return new IPAddress(bytes);
    }

    static bool TryNetwork(string text, bool v4, out IPNetwork network)
    {
        network = default;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address) || (address.AddressFamily == AddressFamily.InterNetwork) != v4)
            return false;
        var max = v4 ? 32 : 128;
        var prefix = max;
        if (slash >= 0 && (!int.TryParse(text[(slash + 1)..], out prefix) || prefix < 0 || prefix > max))
            return false;
        network = new IPNetwork(Mask(address, prefix), prefix);
        return true;
    }

    /// <summary>"example.com/24//64", "/24", null → the target and its two prefix lengths.</summary>
    static (string Target, int Cidr4, int Cidr6) SplitDualCidr(string? argument, string domain)
    {
        if (string.IsNullOrEmpty(argument))
            return (domain, 32, 128);
        var slash = argument.IndexOf('/');
        var target = slash < 0 ? argument : argument[..slash];
        if (target.Length == 0)
            target = domain;
        int cidr4 = 32, cidr6 = 128;
        if (slash >= 0)
        {
            var cidrs = argument[slash..];
            var dual = cidrs.IndexOf("//", StringComparison.Ordinal);
            var four = dual < 0 ? cidrs : cidrs[..dual];
            var six = dual < 0 ? "" : cidrs[(dual + 2)..];
            if (four.Length > 1 && !int.TryParse(four[1..], out cidr4))
                cidr4 = -1;
            if (six.Length > 0 && !int.TryParse(six, out cidr6))
                cidr6 = -1;
        }
        return (target, cidr4, cidr6);
    }
}
