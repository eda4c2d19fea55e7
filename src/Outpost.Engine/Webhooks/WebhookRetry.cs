using Outpost.Engine.Configuration;

namespace Outpost.Engine.Webhooks;

/// <summary>
/// What a try decides for its delivery: a 2xx delivers it; anything else (no answer, 3xx, 4xx, 5xx, and
/// 410 too, whose endpoint <see cref="WebhookPausing"/> pauses) tries again after an exponential wait —
/// <c>RetryFirst</c>, doubling, at most <c>RetryLongest</c>, each moved by up to ±<c>RetryJitter</c> — until
/// the next try would fall more than <c>RetryFor</c> after the first; then the delivery is failed.
/// With the defaults: 5 s, 10 s, 20 s, … 40 min, then hourly, about 30 tries in 24 hours.
/// </summary>
public static class WebhookRetry
{
    /// <summary>The wait after the <paramref name="failures"/>th failure in a row (1 for the first); <paramref name="sample"/> is uniform in [0, 1).</summary>
    public static TimeSpan Delay(int failures, WebhookOptions options, double sample)
    {
        var exponent = Math.Min(Math.Max(failures, 1) - 1, 30);
        var ticks = Math.Min(options.RetryFirst.Ticks * Math.Pow(2, exponent), options.RetryLongest.Ticks);
        var jitter = 1 + options.RetryJitter * (2 * sample - 1);
        return TimeSpan.FromTicks((long)(ticks * jitter));
    }

    /// <summary>The result of a try of <paramref name="delivery"/> that started at <paramref name="at"/> and came to <paramref name="response"/>.</summary>
    public static WebhookResult After(WebhookDelivery delivery, WebhookResponse response, DateTimeOffset at, WebhookOptions options, double sample)
    {
        if (response.Succeeded)
            return new WebhookResult(delivery.Id, delivery.EndpointId, at, response, WebhookDeliveryStatus.Delivered, null);
        var first = delivery.FirstAttemptAt ?? at;
        // Counted from the answer (or the timeout), not from the start of the try.
        var next = at + response.Duration + Delay(delivery.Attempts + 1, options, sample);
        return next - first > options.RetryFor
            ? new WebhookResult(delivery.Id, delivery.EndpointId, at, response, WebhookDeliveryStatus.Failed, null)
            : new WebhookResult(delivery.Id, delivery.EndpointId, at, response, WebhookDeliveryStatus.Pending, next);
    }
}
