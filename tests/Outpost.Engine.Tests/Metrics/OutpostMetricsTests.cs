using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Engine.Metrics;

namespace Outpost.Engine.Tests.Metrics;

/// <summary>The instruments as a real <see cref="MeterListener"/> sees them: names, tags, and what is recorded when.</summary>
public sealed class OutpostMetricsTests : IDisposable
{
    readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    readonly MeterListener _listener = new();
    readonly List<(string Instrument, double Value, Dictionary<string, string?> Tags)> _seen = [];
    readonly IMeterFactory _factory;

    public OutpostMetricsTests()
    {
        _factory = _services.GetRequiredService<IMeterFactory>();
        // Only this test's meter: other tests' instruments in the same process are not counted.
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == OutpostMetrics.MeterName && instrument.Meter.Scope == _factory)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, string?>();
        foreach (var tag in tags)
            map[tag.Key] = tag.Value?.ToString();
        lock (_seen)
            _seen.Add((instrument.Name, value, map));
    }

    [Fact]
    public void A_delivered_recipient_counts_its_latency_a_deferred_one_does_not()
    {
        using var metrics = new OutpostMetrics(_factory);
        metrics.Delivery("delivered", "local", TimeSpan.FromMilliseconds(30));
        metrics.Delivery("deferred", "direct-eu", TimeSpan.FromMinutes(5));

        var deliveries = _seen.Where(s => s.Instrument == "outpost.deliveries").ToList();
        Assert.Equal(2, deliveries.Count);
        Assert.Contains(deliveries, d => d.Tags["result"] == "delivered" && d.Tags["channel"] == "local");
        Assert.Contains(deliveries, d => d.Tags["result"] == "deferred" && d.Tags["channel"] == "direct-eu");
        var latency = Assert.Single(_seen, s => s.Instrument == "outpost.delivery.latency");
        Assert.Equal(0.03, latency.Value, 6);
    }

    [Fact]
    public void The_queue_depth_is_read_when_collected_with_a_series_per_status()
    {
        using var metrics = new OutpostMetrics(_factory);
        var reads = 0;
        metrics.ObserveQueueDepth(() =>
        {
            reads++;
            return new Dictionary<string, int> { ["queued"] = 3, ["deferred"] = 1 };
        });
        Assert.Equal(0, reads);
        _listener.RecordObservableInstruments();

        Assert.Equal(1, reads);
        var depth = _seen.Where(s => s.Instrument == "outpost.queue.recipients").ToDictionary(s => s.Tags["status"]!, s => s.Value);
        Assert.Equal(new Dictionary<string, double> { ["queued"] = 3, ["deferred"] = 1 }, depth);
        var build = Assert.Single(_seen, s => s.Instrument == "outpost.build_info");
        Assert.Equal(BuildInfo.Version, build.Tags["version"]);
        Assert.Equal(BuildInfo.Commit, build.Tags["commit"]);
    }

    [Fact]
    public void Refusals_verdicts_and_connections_carry_only_their_fixed_labels()
    {
        using var metrics = new OutpostMetrics(_factory);
        metrics.Refused("rcpt", "5.1.1");
        metrics.Verdict("refused", "marketing");
        metrics.SmtpConnection("submission");
        metrics.OutboundConnection("relay-eu", opened: false);
        metrics.StartAtZero();

        Assert.Contains(_seen, s => s.Instrument == "outpost.refusals" && s.Value == 1 && s.Tags["stage"] == "rcpt" && s.Tags["code"] == "5.1.1");
        Assert.Contains(_seen, s => s.Instrument == "outpost.policy.verdicts" && s.Tags["verdict"] == "refused" && s.Tags["class"] == "marketing");
        Assert.Contains(_seen, s => s.Instrument == "outpost.smtp.connections" && s.Tags["listener"] == "submission");
        Assert.Contains(_seen, s => s.Instrument == "outpost.delivery.connections" && s.Tags["result"] == "failed" && s.Tags["channel"] == "relay-eu");
        // Starting at zero moves nothing.
        Assert.All(_seen.Where(s => s.Instrument is "outpost.messages.accepted" or "outpost.webhook.deliveries"), s => Assert.Equal(0, s.Value));
        Assert.Equal(3, _seen.Count(s => s.Instrument == "outpost.webhook.deliveries"));
    }

    public void Dispose()
    {
        _listener.Dispose();
        _services.Dispose();
    }
}
