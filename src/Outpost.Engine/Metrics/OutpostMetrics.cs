using System.Collections.Concurrent;
using System.Globalization;
using System.Text;

namespace Outpost.Engine.Metrics;

/// <summary>
/// The counters operators watch, kept in memory and written in Prometheus' text format at /metrics:
/// messages accepted, refusals by reason, delivery results (per channel), and the delivery latency
/// from acceptance to delivery as a histogram; webhook tries by outcome and the webhook backlog (outbox
/// lag, pending deliveries). Queue depth is read from the queue when scraped.
/// </summary>
public sealed class OutpostMetrics
{
    static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600];

    long _accepted;
    long _lostLeases;
    readonly ConcurrentDictionary<string, long> _refused = new();
    readonly ConcurrentDictionary<(string Result, string Channel), long> _deliveries = new();
    readonly long[] _latency = new long[Buckets.Length + 1];
    long _latencyCount;
    double _latencySum;
    readonly object _sumLock = new();
    readonly ConcurrentDictionary<string, long> _webhooks = new();
    long _webhookLag, _webhookPending;
    double _webhookOldest;

    public void Accepted() => Interlocked.Increment(ref _accepted);

    /// <summary>A refusal at SMTP time, by its enhanced code (e.g. "5.7.1"), the stable part of the reason.</summary>
    public void Refused(string stage, string enhanced) => _refused.AddOrUpdate($"{stage}:{enhanced}", 1, (_, n) => n + 1);

    public void Delivery(string result, string channel, TimeSpan? sinceAccepted)
    {
        _deliveries.AddOrUpdate((result, channel), 1, (_, n) => n + 1);
        if (result != "delivered" || sinceAccepted is not { } latency)
            return;
        var seconds = Math.Max(0, latency.TotalSeconds);
        var bucket = Array.FindIndex(Buckets, b => seconds <= b);
        Interlocked.Increment(ref _latency[bucket < 0 ? Buckets.Length : bucket]);
        Interlocked.Increment(ref _latencyCount);
        lock (_sumLock)
            _latencySum += seconds;
    }

    /// <summary>A delivery's outcome not recorded because this node's lease ran out and another node took the recipient over.</summary>
    public void LostLease() => Interlocked.Increment(ref _lostLeases);

    public long LostLeases => Interlocked.Read(ref _lostLeases);

    /// <summary>A webhook try's outcome: delivered, retried (it failed and will be tried again), failed (given up).</summary>
    public void WebhookTry(string outcome) => _webhooks.AddOrUpdate(outcome, 1, (_, n) => n + 1);

    /// <summary>
    /// The webhook dispatcher's backlog, as it last saw it: outbox events the slowest endpoint has not
    /// read yet, deliveries pending, and how old the oldest pending one is.
    /// </summary>
    public void WebhookBacklog(long eventsBehind, long pending, TimeSpan oldestPending)
    {
        Interlocked.Exchange(ref _webhookLag, eventsBehind);
        Interlocked.Exchange(ref _webhookPending, pending);
        Interlocked.Exchange(ref _webhookOldest, Math.Max(0, oldestPending.TotalSeconds));
    }

    public string Render(IReadOnlyDictionary<string, int> queueDepth)
    {
        var sb = new StringBuilder();
        void Line(string text) => sb.Append(text).Append('\n');
        string F(double v) => v.ToString(CultureInfo.InvariantCulture);

        Line("# HELP outpost_build_info The version and commit of the running build.");
        Line("# TYPE outpost_build_info gauge");
        Line($"outpost_build_info{{version=\"{BuildInfo.Version}\",commit=\"{BuildInfo.Commit}\"}} 1");
        Line("# HELP outpost_messages_accepted_total Messages accepted (250 after DATA or the API).");
        Line("# TYPE outpost_messages_accepted_total counter");
        Line($"outpost_messages_accepted_total {Interlocked.Read(ref _accepted)}");

        Line("# HELP outpost_refusals_total Refusals at submission time, by stage and enhanced status code.");
        Line("# TYPE outpost_refusals_total counter");
        foreach (var (key, n) in _refused.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            var colon = key.IndexOf(':');
            Line($"outpost_refusals_total{{stage=\"{key[..colon]}\",code=\"{key[(colon + 1)..]}\"}} {n}");
        }

        Line("# HELP outpost_deliveries_total Delivery results per recipient: delivered, deferred, bounced; by channel (local for hosted mailboxes).");
        Line("# TYPE outpost_deliveries_total counter");
        foreach (var ((result, channel), n) in _deliveries.OrderBy(k => k.Key.Result, StringComparer.Ordinal).ThenBy(k => k.Key.Channel, StringComparer.Ordinal))
            Line($"outpost_deliveries_total{{result=\"{result}\",channel=\"{channel}\"}} {n}");

        Line("# HELP outpost_outcomes_lost_total Delivery outcomes not recorded because this node's lease had run out and another node had taken the recipient over (the recipient may get the message twice).");
        Line("# TYPE outpost_outcomes_lost_total counter");
        Line($"outpost_outcomes_lost_total {Interlocked.Read(ref _lostLeases)}");

        Line("# HELP outpost_queue_recipients Recipients in the queue, by status.");
        Line("# TYPE outpost_queue_recipients gauge");
        foreach (var (status, n) in queueDepth.OrderBy(k => k.Key, StringComparer.Ordinal))
            Line($"outpost_queue_recipients{{status=\"{status}\"}} {n}");

        Line("# HELP outpost_delivery_latency_seconds From acceptance to delivery.");
        Line("# TYPE outpost_delivery_latency_seconds histogram");
        long cumulative = 0;
        for (var i = 0; i < Buckets.Length; i++)
        {
            cumulative += Interlocked.Read(ref _latency[i]);
            Line($"outpost_delivery_latency_seconds_bucket{{le=\"{F(Buckets[i])}\"}} {cumulative}");
        }
        cumulative += Interlocked.Read(ref _latency[Buckets.Length]);
        Line($"outpost_delivery_latency_seconds_bucket{{le=\"+Inf\"}} {cumulative}");
        double sum;
        lock (_sumLock)
            sum = _latencySum;
        Line($"outpost_delivery_latency_seconds_sum {F(sum)}");
        Line($"outpost_delivery_latency_seconds_count {Interlocked.Read(ref _latencyCount)}");

        Line("# HELP outpost_webhook_deliveries_total Webhook tries by outcome: delivered (2xx), retried (failed, tried again later), failed (given up).");
        Line("# TYPE outpost_webhook_deliveries_total counter");
        foreach (var outcome in new[] { "delivered", "retried", "failed" })
            Line($"outpost_webhook_deliveries_total{{outcome=\"{outcome}\"}} {_webhooks.GetValueOrDefault(outcome)}");
        Line("# HELP outpost_webhook_outbox_lag_events Events in the outbox that the slowest webhook endpoint has not read yet.");
        Line("# TYPE outpost_webhook_outbox_lag_events gauge");
        Line($"outpost_webhook_outbox_lag_events {Interlocked.Read(ref _webhookLag)}");
        Line("# HELP outpost_webhook_pending_deliveries Webhook deliveries waiting to be sent (paused endpoints' included).");
        Line("# TYPE outpost_webhook_pending_deliveries gauge");
        Line($"outpost_webhook_pending_deliveries {Interlocked.Read(ref _webhookPending)}");
        Line("# HELP outpost_webhook_oldest_pending_seconds How long the oldest pending webhook delivery has waited.");
        Line("# TYPE outpost_webhook_oldest_pending_seconds gauge");
        Line($"outpost_webhook_oldest_pending_seconds {F(Interlocked.CompareExchange(ref _webhookOldest, 0, 0))}");
        return sb.ToString();
    }
}
