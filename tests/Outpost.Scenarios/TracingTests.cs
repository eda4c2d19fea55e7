using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// With <c>Telemetry:OtlpEndpoint</c> set, the real server exports one message's journey as one trace over
/// OTLP (HTTP, protobuf) to a collector on loopback: submission, policy, enqueue, then the delivery as the
/// submission's child and its channel attempt, every span tagged with the queue id; and the metrics too.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class TracingTests(MailWorld world)
{
    const string Domain = "trace.test";

    [Fact]
    public async Task One_message_is_one_trace_from_submission_to_the_delivery_attempt()
    {
        await using var collector = OtlpReceiver.Start();
        await using var server = await world.StartOutpostAsync("tracing", Domain, new Dictionary<string, string>
        {
            ["OUTPOST__Telemetry__OtlpEndpoint"] = collector.Endpoint.ToString(),
            ["OUTPOST__Telemetry__OtlpProtocol"] = "http/protobuf",
            ["OUTPOST__Telemetry__OtlpMetricsInterval"] = "00:00:01",
        });
        var token = Submit.Token();
        var id = await Submit.AcceptedAsync(Submit.AsAsync(server, $"alice@{Domain}", $"alice@{Domain}", $"trace-{token}@remote.test", "trace " + token,
            "Dear Bob, the minutes of Tuesday's meeting are attached. Kind regards, Alice"));
        await server.WaitForStatusAsync(id, "delivered");

        // Spans leave in batches (every 5 s by default): wait until the delivery's attempt has come.
        var spans = await Eventually.GetAsync(() =>
        {
            var mine = collector.Spans.Where(s => s.Attributes.GetValueOrDefault("outpost.queue_id") == id).ToList();
            return mine.Any(s => s.Name == "outpost.delivery.attempt") && mine.Any(s => s.Name == "outpost.submission") ? mine : null;
        }, "the message's spans at the collector", TimeSpan.FromSeconds(30));

        var submission = Assert.Single(spans, s => s.Name == "outpost.submission");
        var policy = Assert.Single(spans, s => s.Name == "outpost.policy");
        var enqueue = Assert.Single(spans, s => s.Name == "outpost.enqueue");
        var delivery = Assert.Single(spans, s => s.Name == "outpost.delivery");
        var attempt = Assert.Single(spans, s => s.Name == "outpost.delivery.attempt");
        Assert.All(spans, s => Assert.Equal("Outpost", s.Scope));
        Assert.All(spans, s => Assert.Equal(submission.TraceId, s.TraceId));
        Assert.Equal(submission.SpanId, policy.ParentSpanId);
        Assert.Equal(submission.SpanId, enqueue.ParentSpanId);
        // The delivery ran later on a connection of its own, yet is the submission's child.
        Assert.Equal(submission.SpanId, delivery.ParentSpanId);
        Assert.Equal(delivery.SpanId, attempt.ParentSpanId);

        Assert.Equal("submission", submission.Attributes["outpost.source"]);
        Assert.Equal("250", submission.Attributes["outpost.reply_code"]);
        Assert.Contains("@", submission.Attributes["outpost.message_id"]);
        Assert.Equal("passed", policy.Attributes["outpost.policy.verdict"]);
        Assert.Equal("remote.test", delivery.Attributes["outpost.destination"]);
        Assert.Equal("delivered", attempt.Attributes["outpost.result"]);
        Assert.Equal("direct", attempt.Attributes["outpost.channel.kind"]);
        Assert.Equal("mx.remote.test", attempt.Attributes["server.address"]);
        // No sender or recipient address in any span.
        Assert.All(spans, s => Assert.DoesNotContain(s.Attributes.Values, v => v.Contains($"trace-{token}", StringComparison.Ordinal) || v.Contains($"alice@{Domain}", StringComparison.Ordinal)));

        // The metrics go to the collector too, on their interval.
        await Eventually.GetAsync(() => collector.MetricExports > 0 ? (object)collector : null, "a metrics export", TimeSpan.FromSeconds(20));
    }
}
