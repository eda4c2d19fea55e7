using System.Diagnostics.Metrics;

namespace Outpost.Engine.Metrics;

/// <summary>
/// The one owner of Outpost's metrics: the instruments of the meter <c>Outpost</c>
/// (<see cref="System.Diagnostics.Metrics"/>), which OpenTelemetry exports in Prometheus' text format at
/// <c>/metrics</c> and over OTLP when configured (<c>Outpost.Web/TelemetryExport</c>). Messages accepted,
/// refusals by stage and enhanced code, policy verdicts, delivery results per channel, the latency from
/// acceptance to delivery, SMTP and outbound connections, webhook tries and backlog, the queue's depth
/// (read from the queue when collected) and the build. Names and labels are listed in docs/METRICS.md.
/// Talks to: nothing; callers report, the exporter collects.
/// Security stance: labels are stage names, status codes, channel names and classes, never addresses,
/// subjects or anything a client typed, so a scrape tells no one's mail and a client cannot blow up the
/// number of series.
/// </summary>
public sealed class OutpostMetrics : IDisposable
{
    /// <summary>The meter's name, which the exporters are told to listen to.</summary>
    public const string MeterName = "Outpost";

    // Seconds: internal mail takes milliseconds, remote mail seconds, a deferred one hours.
    static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600];

    readonly Meter _meter;
    // A factory's meter is the factory's to dispose; only one made here is ours.
    readonly bool _ownsMeter;
    readonly Counter<long> _accepted;
    readonly Counter<long> _refused;
    readonly Counter<long> _verdicts;
    readonly Counter<long> _deliveries;
    readonly Histogram<double> _latency;
    readonly Counter<long> _smtpConnections;
    readonly Counter<long> _outboundConnections;
    readonly Counter<long> _webhooks;
    readonly Counter<long> _lostOutcomes;
    long _webhookLag, _webhookPending;
    double _webhookOldest;
    Func<IReadOnlyDictionary<string, int>>? _queueDepth;

    /// <param name="meters">The host's meter factory (its meters are its own, so two hosts in one process do not mix counts); none makes a meter of its own.</param>
    public OutpostMetrics(IMeterFactory? meters = null)
    {
        _ownsMeter = meters is null;
        _meter = meters?.Create(MeterName, BuildInfo.Version) ?? new Meter(MeterName, BuildInfo.Version);
        _accepted = _meter.CreateCounter<long>("outpost.messages.accepted", null, "Messages accepted (250 after DATA or the API).");
        _refused = _meter.CreateCounter<long>("outpost.refusals", null, "Refusals at submission time, by stage and enhanced status code.");
        _verdicts = _meter.CreateCounter<long>("outpost.policy.verdicts", null,
            "Content verdicts on mail for external recipients: passed, held (for review) or refused, with the class that decided.");
        _deliveries = _meter.CreateCounter<long>("outpost.deliveries", null,
            "Delivery results per recipient: delivered, deferred, bounced; by channel (local for hosted mailboxes).");
        _latency = _meter.CreateHistogram("outpost.delivery.latency", "s", "From acceptance to delivery.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets });
        _smtpConnections = _meter.CreateCounter<long>("outpost.smtp.connections", null, "SMTP connections accepted, by listener.");
        _outboundConnections = _meter.CreateCounter<long>("outpost.delivery.connections", null,
            "Outbound connections opened for delivery, by channel and result (opened, failed).");
        _webhooks = _meter.CreateCounter<long>("outpost.webhook.deliveries", null,
            "Webhook tries by outcome: delivered (2xx), retried (failed, tried again later), failed (given up).");
        _lostOutcomes = _meter.CreateCounter<long>("outpost.outcomes.lost", null,
            "Delivery outcomes not recorded because this node's lease had run out and another node had taken the recipient over (the recipient may get the message twice).");
        _meter.CreateObservableGauge("outpost.webhook.outbox_lag_events", () => Interlocked.Read(ref _webhookLag), null,
            "Events in the outbox that the slowest webhook endpoint has not read yet.");
        _meter.CreateObservableGauge("outpost.webhook.pending_deliveries", () => Interlocked.Read(ref _webhookPending), null,
            "Webhook deliveries waiting to be sent (paused endpoints' included).");
        _meter.CreateObservableGauge("outpost.webhook.oldest_pending", () => Volatile.Read(ref _webhookOldest), "s",
            "How long the oldest pending webhook delivery has waited.");
        _meter.CreateObservableGauge("outpost.queue.recipients", ObserveQueue, null, "Recipients in the queue, by status.");
        _meter.CreateObservableGauge("outpost.build_info",
            () => new Measurement<long>(1, new KeyValuePair<string, object?>("version", BuildInfo.Version), new KeyValuePair<string, object?>("commit", BuildInfo.Commit)),
            null, "The version and commit of the running build.");
    }

    /// <summary>
    /// Makes the series a dashboard expects from the start show 0 before their first event (an absent series is
    /// not a zero). Called once the exporter listens: a measurement made before that is not seen.
    /// </summary>
    public void StartAtZero()
    {
        _accepted.Add(0);
        _lostOutcomes.Add(0);
        foreach (var outcome in (string[])["delivered", "retried", "failed"])
            _webhooks.Add(0, new KeyValuePair<string, object?>("outcome", outcome));
    }

    public void Accepted() => _accepted.Add(1);

    /// <summary>A delivery's outcome not recorded because this node's lease ran out and another node took the recipient over.</summary>
    public void LostLease() => _lostOutcomes.Add(1);

    /// <summary>A refusal at SMTP time, by its enhanced code (e.g. "5.7.1"), the stable part of the reason.</summary>
    public void Refused(string stage, string enhanced) =>
        _refused.Add(1, new KeyValuePair<string, object?>("stage", stage), new KeyValuePair<string, object?>("code", enhanced));

    /// <summary>The content checks' verdict on one message: <c>passed</c>, <c>held</c> or <c>refused</c>, and the class (<c>none</c> when it passed).</summary>
    public void Verdict(string verdict, string contentClass) =>
        _verdicts.Add(1, new KeyValuePair<string, object?>("verdict", verdict), new KeyValuePair<string, object?>("class", contentClass));

    /// <summary>One recipient's result; a delivered one also counts its time since acceptance.</summary>
    public void Delivery(string result, string channel, TimeSpan? sinceAccepted)
    {
        _deliveries.Add(1, new KeyValuePair<string, object?>("result", result), new KeyValuePair<string, object?>("channel", channel));
        if (result == "delivered" && sinceAccepted is { } latency)
            _latency.Record(Math.Max(0, latency.TotalSeconds));
    }

    /// <summary>An SMTP connection accepted on a listener (submission, implicit-tls, relay, feedback).</summary>
    public void SmtpConnection(string listener) => _smtpConnections.Add(1, new KeyValuePair<string, object?>("listener", listener));

    /// <summary>An outbound connection through a channel: opened (greeted, ready to send) or failed.</summary>
    public void OutboundConnection(string channel, bool opened) =>
        _outboundConnections.Add(1, new KeyValuePair<string, object?>("channel", channel), new KeyValuePair<string, object?>("result", opened ? "opened" : "failed"));

    /// <summary>A webhook try's outcome: delivered, retried (it failed and will be tried again), failed (given up).</summary>
    public void WebhookTry(string outcome) => _webhooks.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

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

    /// <summary>
    /// Where the queue's depth is read from when the metrics are collected (the queue is a layer above, so
    /// the host hands the reader in). Read at each collection, as a scrape expects it now, not as it was.
    /// </summary>
    public void ObserveQueueDepth(Func<IReadOnlyDictionary<string, int>> read) => Volatile.Write(ref _queueDepth, read);

    IEnumerable<Measurement<int>> ObserveQueue()
    {
        if (Volatile.Read(ref _queueDepth) is not { } read)
            return [];
        var depth = read();
        var measurements = new List<Measurement<int>>(depth.Count);
        foreach (var (status, count) in depth)
            measurements.Add(new Measurement<int>(count, new KeyValuePair<string, object?>("status", status)));
        return measurements;
    }

    public void Dispose()
    {
        if (_ownsMeter)
            _meter.Dispose();
    }
}
