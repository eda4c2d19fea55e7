using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Delivery.Tls.Report;
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
/// A domain whose policy is known never makes a delivery wait for DNS or a fetch (RFC 8461 §10.2): its
/// record is looked at again in the background once <see cref="Recheck"/> has passed (a new id fetches the
/// new policy, the old one holding meanwhile), and <see cref="RefreshDueAsync"/> (run by
/// <see cref="MtaStsRefresher"/>) fetches policies whose max_age ends within <c>Tls:MtaStsRefreshAhead</c>.
/// Only the first delivery to a domain, or one whose policy expired, waits for the lookup.
/// When a fetch fails and no policy holds, the fallback to opportunistic TLS carries the failure for TLS-RPT
/// (sts-policy-fetch-error, sts-policy-invalid, sts-webpki-invalid).
/// Talks to: the TXT resolver, the fetcher, the cache store.
/// Security stance: only a policy that parsed is used; an unparsable one counts as none and is logged; a
/// failed refresh never shortens a policy's life (it holds until its max_age).
/// </summary>
public sealed class MtaStsPolicies(ITxtResolver dns, IMtaStsFetcher fetcher, IMtaStsCache cache, TimeProvider time, ILogger<MtaStsPolicies> logger,
    TimeSpan? refreshAhead = null)
{
    /// <summary>How long one look at a domain's record stands.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromMinutes(1);

    /// <summary>How long before expiry a policy is fetched again by <see cref="RefreshDueAsync"/>.</summary>
    readonly TimeSpan _refreshAhead = refreshAhead ?? TimeSpan.FromHours(1);

    /// <summary>What is known of a domain: its policy (if any), when its record was last looked at, and why the last fetch failed when no policy holds.</summary>
    sealed record Known(MtaStsCacheEntry? Entry, DateTimeOffset CheckedAt, TlsReportPolicy? Failure);

    readonly ConcurrentDictionary<string, Known> _known = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, Task> _background = new(StringComparer.Ordinal);

    /// <summary>The policy to deliver to <paramref name="domain"/> under, or null when it has none (or mode none).</summary>
    public async Task<TlsPolicy?> PolicyAsync(string domain, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        if (!_known.TryGetValue(domain, out var known))
        {
            // First sight in this process: the database may know the domain's policy already.
            var stored = await cache.GetAsync(domain, cancellationToken);
            if (Usable(stored, now) is { } entry)
                known = _known.GetOrAdd(domain, new Known(entry, DateTimeOffset.MinValue, null));
        }
        if (known is not null && now - known.CheckedAt < Recheck)
            return Result(domain, known, now);
        if (known is not null && Usable(known.Entry, now) is not null)
        {
            // A policy holds: the delivery goes under it, the record is looked at behind its back.
            StartBackground(domain, force: false);
            return Result(domain, known, now);
        }
        known = await LookAsync(domain, force: false, cancellationToken);
        return Result(domain, known, time.GetUtcNow());
    }

    /// <summary>
    /// Looks again at every domain with a policy that is due: its record not looked at for <see cref="Recheck"/>
    /// (a changed id fetches the new policy), or its max_age ending within the refresh margin (fetched again
    /// whatever the id). Policies already expired are left to the next delivery.
    /// </summary>
    public async Task RefreshDueAsync(CancellationToken cancellationToken = default)
    {
        foreach (var (domain, known) in _known.ToArray())
        {
            var now = time.GetUtcNow();
            if (Usable(known.Entry, now) is not { } entry)
                continue;
            var nearExpiry = entry.ExpiresAt - now <= _refreshAhead;
            if (!nearExpiry && now - known.CheckedAt < Recheck)
                continue;
            try
            {
                await LookAsync(domain, nearExpiry, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "MTA-STS policy of {Domain} not refreshed", domain);
            }
        }
    }

    /// <summary>The look started behind a delivery's back, if one runs (for tests to wait on).</summary>
    public Task BackgroundAsync() => Task.WhenAll(_background.Values);

    void StartBackground(string domain, bool force)
    {
        if (_background.ContainsKey(domain))
            return;
        var started = new TaskCompletionSource();
        if (!_background.TryAdd(domain, started.Task))
            return;
        _ = Task.Run(async () =>
        {
            try
            {
                await LookAsync(domain, force, CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "MTA-STS policy of {Domain} not refreshed", domain);
            }
            finally
            {
                // Done before it is forgotten, so that whoever waits on it sees the look's result.
                started.SetResult();
                _background.TryRemove(domain, out _);
            }
        });
    }

    /// <summary>Looks at the record (one caller per domain at a time) and keeps what holds after it.</summary>
    async Task<Known> LookAsync(string domain, bool force, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(domain, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            var now = time.GetUtcNow();
            _known.TryGetValue(domain, out var known);
            if (known is not null && now - known.CheckedAt < Recheck && !(force && Usable(known.Entry, now) is { } e && e.ExpiresAt - now <= _refreshAhead))
                return known;
            var entry = known?.Entry ?? await cache.GetAsync(domain, cancellationToken);
            known = await RefreshAsync(domain, entry, force, cancellationToken);
            _known[domain] = known;
            return known;
        }
        finally
        {
            gate.Release();
        }
    }

    static TlsPolicy? Result(string domain, Known known, DateTimeOffset now)
    {
        if (Usable(known.Entry, now) is { } entry)
            return entry.Policy.ToTlsPolicy(domain);
        return known.Failure is { } failure ? TlsPolicy.Opportunistic with { Report = failure } : null;
    }

    static MtaStsCacheEntry? Usable(MtaStsCacheEntry? entry, DateTimeOffset now) => entry is not null && entry.ExpiresAt > now ? entry : null;

    /// <summary>What holds after looking at the record: the cached policy, a fresh one, or none (with the failure when a fetch failed).</summary>
    async Task<Known> RefreshAsync(string domain, MtaStsCacheEntry? cached, bool force, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        Known Keep() => new(Usable(cached, now), now, null);
        var answer = await dns.TxtAsync("_mta-sts." + domain, cancellationToken);
        if (answer.Failed)
            return Keep();
        var (id, _) = MtaStsParser.RecordId(answer.Records);
        if (id is null)
            return Keep();
        if (Usable(cached, now) is { } current && current.Policy.Id == id && !force)
            return new(current, now, null);

        var (text, error, resultType) = await fetcher.FetchAsync(domain, cancellationToken);
        if (text is not null)
        {
            var (policy, invalid) = MtaStsParser.Policy(text, id);
            if (policy is not null)
            {
                var fresh = new MtaStsCacheEntry(domain, policy, now, now + policy.MaxAge);
                await cache.SaveAsync(fresh, cancellationToken);
                logger.LogInformation("MTA-STS policy of {Domain} (id {Id}): {Mode}, mx {Mx}, max_age {MaxAge}", domain, id,
                    policy.Mode.ToString().ToLowerInvariant(), string.Join(", ", policy.Mx), (long)policy.MaxAge.TotalSeconds);
                return new(fresh, now, null);
            }
            (error, resultType) = (invalid, TlsResultTypes.StsPolicyInvalid);
        }
        logger.LogWarning("MTA-STS policy of {Domain} (id {Id}) not used: {Error}", domain, id, error);
        var kept = Usable(cached, now);
        return new(kept, now, kept is null ? new TlsReportPolicy(TlsReportPolicy.Sts, [], [], resultType ?? TlsResultTypes.StsPolicyFetchError, error) : null);
    }
}
