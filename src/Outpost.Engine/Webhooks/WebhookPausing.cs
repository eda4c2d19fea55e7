using System.Globalization;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Webhooks;

/// <summary>
/// When an endpoint is paused: at once when it answers 410 Gone; otherwise once every try has failed for
/// <c>PauseAfter</c> (6 hours) and at least <c>PauseAfterFailures</c> (10) times in a row. A success ends
/// the run of failures. Six hours is far less than the 24 hours a delivery is retried, so nothing sent to
/// a dead endpoint is given up: its deliveries wait, paused, and go once it is resumed. An outage of
/// minutes (a deploy) pauses nothing; a single event the receiver keeps refusing while it takes the
/// others fails alone after 24 hours, since the others' successes keep the endpoint going.
/// A pause is never lifted here: only a person resumes.
/// </summary>
public static class WebhookPausing
{
    public static WebhookEndpointHealth After(WebhookEndpointHealth health, WebhookResponse response, DateTimeOffset at, WebhookOptions options)
    {
        if (response.Succeeded)
            return health with { ConsecutiveFailures = 0, FailingSince = null };
        var failing = health with { ConsecutiveFailures = health.ConsecutiveFailures + 1, FailingSince = health.FailingSince ?? at };
        if (failing.PausedReason is not null)
            return failing;
        if (response.Gone)
            return failing with { PausedReason = "The endpoint answered 410 Gone; resume it once it takes webhooks again.", PausedAt = at };
        if (failing.ConsecutiveFailures >= options.PauseAfterFailures && at - failing.FailingSince!.Value >= options.PauseAfter)
            return failing with
            {
                PausedReason = $"Every try failed for {(at - failing.FailingSince.Value).TotalHours.ToString("0.#", CultureInfo.InvariantCulture)} hours " +
                               $"({failing.ConsecutiveFailures.ToString(CultureInfo.InvariantCulture)} tries); the last said: {response.Summary}.",
                PausedAt = at,
            };
        return failing;
    }
}
