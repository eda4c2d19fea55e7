using System.Collections.Concurrent;
using Outpost.Engine.Dns;

namespace Outpost.Engine.Delivery.Tls;

/// <summary>
/// A destination's DANE policy (RFC 7672 §2.2), as the <see cref="TlsPolicyResolver"/> asks for it: the MX
/// records through the validating resolvers (<see cref="IDnssecResolver"/>); when they are secure, each MX
/// host's TLSA records at <c>_25._tcp.host</c>. DANE applies when the MX records are secure and some host
/// has secure TLSA records, or a host's lookup failed; the policy then allows only the MX hosts of the
/// secure answer (a forged MX answer from the ordinary resolvers reaches none of its hosts), each as its
/// records say (<see cref="DaneHost"/>). It does not apply (null, so the other policies decide) when no
/// resolver validates, the MX records are insecure, or no host has TLSA records. When the MX lookup itself
/// fails (bogus, or the resolver cannot be reached), the destination is refused, and its mail waits.
/// Each domain is looked at again at most every <see cref="Recheck"/>; the resolver caches by TTL besides.
/// Talks to: the validating resolver only.
/// Security stance: nothing insecure ever weakens a policy here, and nothing failed is ever taken as
/// insecure: a failure defers rather than falling back to MTA-STS or opportunistic TLS (RFC 7672 §2.1.1).
/// </summary>
public sealed class DanePolicies(IDnssecResolver dns, TimeProvider time)
{
    /// <summary>How long one look at a domain's records stands.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromMinutes(1);

    /// <summary>The TLSA port: RFC 7672 §2.2.3 names port 25 whatever port the delivery uses (tests use others).</summary>
    const int SmtpPort = 25;

    /// <summary>
    /// At most this many MX hosts (the most preferred) are looked up and allowed, so a hostile zone with
    /// thousands of MX records costs a bounded number of lookups; delivery never gets that far down anyway.
    /// </summary>
    public const int MaxHosts = 16;

    sealed record Known(TlsPolicy? Policy, DateTimeOffset CheckedAt);

    readonly ConcurrentDictionary<string, Known> _known = new(StringComparer.Ordinal);

    /// <summary>The DANE policy for <paramref name="domain"/> (lower case, no final dot), or null when DANE does not apply.</summary>
    public async Task<TlsPolicy?> PolicyAsync(string domain, CancellationToken cancellationToken = default)
    {
        if (!dns.Available)
            return null;
        var now = time.GetUtcNow();
        if (_known.TryGetValue(domain, out var known) && now - known.CheckedAt < Recheck)
            return known.Policy;
        var policy = await LookUpAsync(domain, cancellationToken);
        _known[domain] = new Known(policy, time.GetUtcNow());
        return policy;
    }

    async Task<TlsPolicy?> LookUpAsync(string domain, CancellationToken cancellationToken)
    {
        var source = $"DANE for {domain}";
        var mx = await dns.MxAsync(domain, cancellationToken);
        if (mx.Status == DnssecStatus.Failed)
            return new TlsPolicy(TlsMode.Dane, [], source) { Refusal = mx.Error, Dane = new Dictionary<string, DaneHost>() };
        if (mx.Status == DnssecStatus.Insecure)
            return null;
        // No MX: the domain itself is the host (RFC 5321 §5.1, RFC 7672 §2.2.1).
        var names = (mx.Records.Count > 0 ? mx.Records : [domain]).Select(n => n.ToLowerInvariant()).Distinct().Take(MaxHosts).ToList();
        var hosts = new Dictionary<string, DaneHost>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            var tlsa = await dns.TlsaAsync(name, SmtpPort, cancellationToken);
            hosts[name] = tlsa.Status switch
            {
                DnssecStatus.Failed => new DaneHost(name, [], tlsa.Error),
                DnssecStatus.Secure => new DaneHost(name, tlsa.Records),
                _ => new DaneHost(name, []),
            };
        }
        if (hosts.Values.All(h => h.Failure is null && h.Records.Count == 0))
            return null;
        return new TlsPolicy(TlsMode.Dane, names, source) { Dane = hosts };
    }
}
