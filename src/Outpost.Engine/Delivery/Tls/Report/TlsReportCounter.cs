using Microsoft.Extensions.Logging;

namespace Outpost.Engine.Delivery.Tls.Report;

/// <summary>
/// Counts TLS sessions for TLS-RPT (RFC 8460) per UTC day, policy domain, policy and result, in memory, and
/// adds the counts to the <see cref="ITlsReportStore"/> when flushed (every <c>Tls:ReportFlushInterval</c> by
/// the <see cref="TlsReportScheduler"/>, and when the process ends), so that a delivery costs no write.
/// The <see cref="ChannelConnector"/> is its one caller: every session a direct channel opens (or refuses)
/// under a reported policy is recorded there, once.
/// Talks to: the report store. Security stance: bounded: at most <see cref="MaxKeys"/> distinct rows between
/// two flushes (further ones are dropped and said in the log); reasons are shortened.
/// </summary>
public sealed class TlsReportCounter(ITlsReportStore store, TimeProvider time, ILogger<TlsReportCounter> logger) : IAsyncDisposable
{
    /// <summary>Distinct rows kept between two flushes; a day of mail to 50,000 domains with a few results each fits.</summary>
    public const int MaxKeys = 200_000;

    /// <summary>Longest reason kept (the report's failure-reason-code).</summary>
    public const int MaxReason = 300;

    readonly record struct Key(string Day, string Domain, string PolicyType, string PolicyString, string MxHost, string ResultType, string ReceivingMx, string ReceivingIp);

    sealed class Tally(string reason)
    {
        public long Count;
        public string Reason { get; } = reason;
    }

    readonly Lock _lock = new();
    Dictionary<Key, Tally> _counts = [];
    bool _dropped;

    /// <summary>Counts one session.</summary>
    public void Record(TlsSessionResult result)
    {
        var day = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var failed = !result.Succeeded;
        var key = new Key(day, result.Domain.ToLowerInvariant(), result.Policy.PolicyType, string.Join('\n', result.Policy.PolicyString), string.Join('\n', result.Policy.MxHost),
            result.ResultType ?? "", failed ? result.MxHost ?? "" : "", failed ? result.ReceivingIp ?? "" : "");
        lock (_lock)
        {
            if (!_counts.TryGetValue(key, out var tally))
            {
                if (_counts.Count >= MaxKeys)
                {
                    if (!_dropped)
                        logger.LogWarning("TLS-RPT: more than {Max} distinct results since the last flush; further ones are not counted until the next", MaxKeys);
                    _dropped = true;
                    return;
                }
                var reason = failed ? result.Reason ?? "" : "";
                tally = _counts[key] = new Tally(reason.Length > MaxReason ? reason[..MaxReason] : reason);
            }
            tally.Count++;
        }
    }

    /// <summary>Adds what was counted since the last flush to the store; on failure it stays counted for the next.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        Dictionary<Key, Tally> taken;
        lock (_lock)
        {
            if (_counts.Count == 0)
                return;
            (taken, _counts, _dropped) = (_counts, [], false);
        }
        var rows = taken.Select(p => new TlsReportCount(p.Key.Day, p.Key.Domain, p.Key.PolicyType, p.Key.PolicyString, p.Key.MxHost, p.Key.ResultType,
            p.Key.ReceivingMx, p.Key.ReceivingIp, p.Value.Reason, p.Value.Count)).ToList();
        try
        {
            await store.AddAsync(rows, cancellationToken);
        }
        catch
        {
            lock (_lock)
                foreach (var (key, tally) in taken)
                {
                    if (_counts.TryGetValue(key, out var now))
                        now.Count += tally.Count;
                    else
                        _counts[key] = tally;
                }
            throw;
        }
    }

    /// <summary>What a process counted is kept when it ends (a management command that delivered a bounce, or serve stopping).</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await FlushAsync();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "TLS-RPT: the last counts could not be stored");
        }
    }
}
