namespace Outpost.Engine.Delivery.Tls;

/// <summary>
/// The one owner of a delivery's TLS policy, decided before connecting: the operator's per-destination
/// table first (<see cref="ITlsPolicyStore"/>), then DANE (<see cref="DanePolicies"/>: RFC 7672 takes
/// precedence over MTA-STS, RFC 8461 §2), then the destination's MTA-STS policy
/// (<see cref="MtaSts.MtaStsPolicies"/>), else opportunistic TLS.
/// Talks to: the policy table (read whole and kept for a few seconds, so a delivery costs no query), the
/// DANE and MTA-STS policies.
/// Security stance: an operator's row wins over what DNS says, both ways (a partner's verify, or none for a
/// broken host); nothing here weakens a policy: a failed MTA-STS lookup with no cached policy is opportunistic,
/// as RFC 8461 §5.1 says, but a failed DANE lookup defers (RFC 7672 §2.1.1), it never falls through.
/// </summary>
public sealed class TlsPolicyResolver(ITlsPolicyStore table, DanePolicies? dane, MtaSts.MtaStsPolicies? mtaSts, TimeProvider time)
{
    /// <summary>How long the table read from the store is used; a change by <c>outpost tls-policy</c> takes effect within this.</summary>
    public static readonly TimeSpan TableLifetime = TimeSpan.FromSeconds(5);

    sealed record Snapshot(IReadOnlyDictionary<string, TlsPolicy> Policies, DateTimeOffset ReadAt);

    Snapshot? _snapshot;

    /// <summary>The TLS policy for delivering to <paramref name="domain"/>.</summary>
    public async Task<TlsPolicy> ResolveAsync(string domain, CancellationToken cancellationToken = default)
    {
        var key = domain.TrimEnd('.').ToLowerInvariant();
        var policies = await TableAsync(cancellationToken);
        if (policies.TryGetValue(key, out var listed))
            return listed;
        if (dane is not null && await dane.PolicyAsync(key, cancellationToken) is { } signed)
            return signed;
        if (mtaSts is not null && await mtaSts.PolicyAsync(key, cancellationToken) is { } published)
            return published;
        return TlsPolicy.Opportunistic;
    }

    async Task<IReadOnlyDictionary<string, TlsPolicy>> TableAsync(CancellationToken cancellationToken)
    {
        var snapshot = _snapshot;
        if (snapshot is not null && time.GetUtcNow() - snapshot.ReadAt < TableLifetime)
            return snapshot.Policies;
        var rows = await table.ListAsync(cancellationToken);
        var policies = rows.ToDictionary(r => r.Domain.ToLowerInvariant(), r => r.ToPolicy(), StringComparer.Ordinal);
        _snapshot = new Snapshot(policies, time.GetUtcNow());
        return policies;
    }
}
