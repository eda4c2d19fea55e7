using Outpost.Engine.Configuration;
using Outpost.Engine.Webhooks;

namespace Outpost.Engine.Tests.Webhooks;

/// <summary>The retry schedule: exponential from 5 s, at most an hour apart, jittered, given up 24 hours after the first try; and when an endpoint is paused.</summary>
public sealed class WebhookRetryTests
{
    static readonly WebhookOptions Options = new() { RetryJitter = 0 };
    static readonly DateTimeOffset T0 = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    static WebhookResponse Answer(int? code) => new(code, code is >= 200 and < 300 ? null : "x", TimeSpan.Zero);

    [Fact]
    public void Waits_double_from_five_seconds_up_to_an_hour()
    {
        var waits = Enumerable.Range(1, 14).Select(n => WebhookRetry.Delay(n, Options, 0.5).TotalSeconds).ToList();
        Assert.Equal([5, 10, 20, 40, 80, 160, 320, 640, 1280, 2560, 3600, 3600, 3600, 3600], waits);
    }

    [Theory]
    [InlineData(0.0, 4.0)]
    [InlineData(0.5, 5.0)]
    [InlineData(0.999999, 6.0)]
    public void Jitter_moves_a_wait_by_at_most_a_fifth_either_way(double sample, double seconds)
    {
        var jittered = new WebhookOptions { RetryJitter = 0.2 };
        Assert.Equal(seconds, WebhookRetry.Delay(1, jittered, sample).TotalSeconds, 3);
    }

    [Fact]
    public void A_delivery_is_tried_for_24_hours_then_given_up()
    {
        var delivery = new WebhookDelivery(1, 1, 7, "delivered", "M", "{}", 0, null);
        var at = T0;
        var tries = 0;
        WebhookResult result;
        while (true)
        {
            result = WebhookRetry.After(delivery, Answer(503), at, Options, 0.5);
            tries++;
            if (result.Status != WebhookDeliveryStatus.Pending)
                break;
            Assert.True(result.NextAttemptAt > at);
            delivery = delivery with { Attempts = delivery.Attempts + 1, FirstAttemptAt = delivery.FirstAttemptAt ?? at };
            at = result.NextAttemptAt!.Value;
            Assert.True(tries < 100);
        }
        Assert.Equal(WebhookDeliveryStatus.Failed, result.Status);
        Assert.InRange(at - T0, TimeSpan.FromHours(23), TimeSpan.FromHours(24));
        Assert.InRange(tries, 30, 36); // 10 growing waits (85 minutes), then hourly
    }

    [Theory]
    [InlineData(200)]
    [InlineData(204)]
    [InlineData(299)]
    public void Any_2xx_delivers(int code) =>
        Assert.Equal(WebhookDeliveryStatus.Delivered, WebhookRetry.After(new WebhookDelivery(1, 1, 1, "t", null, "{}", 3, T0), Answer(code), T0, Options, 0).Status);

    [Theory]
    [InlineData(301)]
    [InlineData(400)]
    [InlineData(410)]
    [InlineData(500)]
    [InlineData(null)]
    public void Everything_else_is_retried(int? code)
    {
        var result = WebhookRetry.After(new WebhookDelivery(1, 1, 1, "t", null, "{}", 0, null), Answer(code), T0, Options, 0.5);
        Assert.Equal((WebhookDeliveryStatus.Pending, T0 + TimeSpan.FromSeconds(5)), (result.Status, result.NextAttemptAt));
    }

    [Fact]
    public void An_endpoint_pauses_once_every_try_failed_for_six_hours_and_ten_times_and_a_success_ends_the_run()
    {
        var health = new WebhookEndpointHealth(0, null, null, null);
        for (var i = 0; i < 9; i++)
            health = WebhookPausing.After(health, Answer(500), T0 + TimeSpan.FromHours(i), Options);
        Assert.Null(health.PausedReason); // nine failures over eight hours: not yet ten
        health = WebhookPausing.After(health, Answer(500), T0 + TimeSpan.FromHours(9), Options);
        Assert.Equal("Every try failed for 9 hours (10 tries); the last said: 500: x.", health.PausedReason);
        Assert.Equal(T0 + TimeSpan.FromHours(9), health.PausedAt);

        // Many failures within minutes (an outage during a deploy) pause nothing.
        var burst = new WebhookEndpointHealth(0, null, null, null);
        for (var i = 0; i < 200; i++)
            burst = WebhookPausing.After(burst, Answer(null), T0 + TimeSpan.FromSeconds(i), Options);
        Assert.Null(burst.PausedReason);
        var healed = WebhookPausing.After(burst, Answer(200), T0 + TimeSpan.FromMinutes(5), Options);
        Assert.Equal((0, (DateTimeOffset?)null), (healed.ConsecutiveFailures, healed.FailingSince));
    }

    [Fact]
    public void Gone_pauses_at_once_and_a_success_never_lifts_a_pause()
    {
        var gone = WebhookPausing.After(new WebhookEndpointHealth(0, null, null, null), Answer(410), T0, Options);
        Assert.Equal("The endpoint answered 410 Gone; resume it once it takes webhooks again.", gone.PausedReason);
        var manual = new WebhookEndpointHealth(0, null, "Paused by op@example.com.", T0);
        Assert.Equal("Paused by op@example.com.", WebhookPausing.After(manual, Answer(200), T0, Options).PausedReason);
    }

    [Fact]
    public void A_deferral_goes_first_then_at_most_hourly()
    {
        Assert.True(DeferredThrottle.Allows(null, T0));
        Assert.False(DeferredThrottle.Allows(T0, T0 + TimeSpan.FromMinutes(59)));
        Assert.True(DeferredThrottle.Allows(T0, T0 + TimeSpan.FromMinutes(60)));
    }
}
