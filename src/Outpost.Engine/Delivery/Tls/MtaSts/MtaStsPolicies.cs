using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Dns;

namespace Outpost.Engine.Delivery.Tls.MtaSts;

/// <summary>
/// A destination's MTA-STS policy (RFC 8461 §5.1), as the <see cref="TlsPolicyResolver"/> asks for it:
/// the <c>_mta-sts</c> TXT record through the Dns layer (a resolver that caches by TTL); when its id is
/// the cached policy's and that policy has not expired, the cached policy; otherwise the policy fetched
/// anew (<see cref="MtaStsFetcher"/>), parsed strictly (<see cref="MtaStsParser"/>) and cached for its
/// max_age, in memory and in the database (<see cref="IMtaStsCache"/>, so it survives a restart). Without
/// a record, or when a fetch fails, an unexpired cached policy still holds (an attacker who removes the
/// record or blocks the fetch gains nothing); with none, there is no policy. Each domain is asked again at
/// most every <see cref="Recheck"/>, so a delivery costs no lookup at all in between, and a domain without
/// MTA-STS one cached TXT lookup a minute.
/// Talks to: the TXT resolver, the fetcher, the cache store.
/// Security stance: only a policy that parsed is used; an unparsable one counts as none and is logged.
/// </summary>
public sealed class MtaStsPolicies(ITxtResolver dns, MtaStsFetcher fetcher, IMtaStsCache cache, TimeProvider time, ILogger<MtaStsPolicies> logger)
{
    /// <summary>How long one look at a domain's record stands.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromMinutes(1);

    sealed record Known(MtaStsCacheEntry? Entry, DateTimeOffset CheckedAt, bool Loaded);

    readonly ConcurrentDictionary<string, Known> _known = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>The policy to deliver to <paramref name="domain"/> under, or null when it has none (or mode none).</summary>
    public async Task<TlsPolicy?> PolicyAsync(string domain, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (_known.TryGetValue(domain, out var known) && now - known.CheckedAt < Recheck)
            return Usable(known.Entry, now)?.Policy.ToTlsPolicy(domain);
        var gate = _locks.GetOrAdd(domain, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            now = time.GetUtcNow();
            if (_known.TryGetValue(domain, out known) && now - known.CheckedAt < Recheck)
                return Usable(known.Entry, now)?.Policy.ToTlsPolicy(domain);
            var entry = known is { Loaded: true } ? known.Entry : await cache.GetAsync(domain, cancellationToken);
            entry = await RefreshAsync(domain, entry, cancellationToken);
            _known[domain] = new Known(entry, time.GetUtcNow(), Loaded: true);
            return Usable(entry, time.GetUtcNow())?.Policy.ToTlsPolicy(domain);
        }
        finally
        {
            gate.Release();
        }
    }

    static MtaStsCacheEntry? Usable(MtaStsCacheEntry? entry, DateTimeOffset now) => entry is not null && entry.ExpiresAt > now ? entry : null;

    /// <summary>The entry that holds after looking at the record: the cached one, a fresh one, or none.</summary>
    async Task<MtaStsCacheEntry?> RefreshAsync(string domain, MtaStsCacheEntry? cached, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var answer = await dns.TxtAsync("_mta-sts." + domain, cancellationToken);
        if (answer.Failed)
            return Usable(cached, now);
        var (id, _) = MtaStsParser.RecordId(answer.Records);
        if (id is null)
            return Usable(cached, now);
        if (Usable(cached, now) is { } current && current.Policy.Id == id)
            return current;

        var (text, error) = await fetcher.FetchAsync(domain, cancellationToken);
        if (text is not null)
        {
            var (policy, invalid) = MtaStsParser.Policy(text, id);
            if (policy is not null)
            {
                var fresh = new MtaStsCacheEntry(domain, policy, now, now + policy.MaxAge);
                await cache.SaveAsync(fresh, cancellationToken);
                logger.LogInformation("MTA-STS policy of {Domain} (id {Id}): {Mode}, mx {Mx}, max_age {MaxAge}", domain, id,
                    policy.Mode.ToString().ToLowerInvariant(), string.Join(", ", policy.Mx), (long)policy.MaxAge.TotalSeconds);
                return fresh;
            }
            error = invalid;
        }
        logger.LogWarning("MTA-STS policy of {Domain} (id {Id}) not used: {Error}", domain, id, error);
        return Usable(cached, now);
    }
}
