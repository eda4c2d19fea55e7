using Outpost.Engine.Configuration;

namespace Outpost.Engine.Queue;

/// <summary>
/// When a temporarily failing recipient is tried next: the configured waits (default 5, 10, 20, 40 …
/// minutes, the last repeating), each moved by a little random jitter, until the message's maximum age;
/// the last try falls exactly at that age, and after it the recipient bounces.
/// </summary>
public sealed class RetrySchedule(DeliveryOptions options, TimeProvider time)
{
    IReadOnlyList<TimeSpan> Steps => options.RetrySchedule.Count > 0 ? options.RetrySchedule : DeliveryOptions.DefaultSchedule;

    /// <summary>The next try after <paramref name="attempts"/> failed ones, or null when the message has expired.</summary>
    public DateTimeOffset? Next(int attempts, DateTimeOffset receivedAt)
    {
        var now = time.GetUtcNow();
        var expiry = receivedAt + options.MaxAge;
        if (now >= expiry)
            return null;
        var steps = Steps;
        var wait = steps[Math.Clamp(attempts - 1, 0, steps.Count - 1)];
        var jitter = 1 + (Random.Shared.NextDouble() * 2 - 1) * options.RetryJitter;
        var next = now + TimeSpan.FromTicks((long)(wait.Ticks * jitter));
        return next < expiry ? next : expiry;
    }
}
