using System.Globalization;

namespace Outpost.Engine.Configuration;

/// <summary>
/// How long history is kept before the purger removes it, and how the purger works: in small batches,
/// each its own short write transaction, so the queue's writers never wait long. A period of 0 keeps
/// that kind forever.
/// </summary>
public sealed class RetentionOptions
{
    /// <summary>Messages whose every recipient is final (delivered, bounced, rejected) and unchanged for this long go, with their recipients, attempts and review.</summary>
    public TimeSpan SendLog { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Refusals at SMTP time older than this go; so do content violations, but never younger than <see cref="PolicyOptions.ViolationWindow"/>.</summary>
    public TimeSpan Refusals { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Channel-health rows (per channel and destination) neither updated nor cooling down for this long go: a destination not tried for a month starts afresh.</summary>
    public TimeSpan Health { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Rows of the events outbox (every recipient status change) older than this go. Webhook deliveries are
    /// made from new events within seconds and keep their own copy of the body, so this period does not
    /// hold webhooks back, even for an endpoint paused for longer.
    /// </summary>
    public TimeSpan Events { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Webhook deliveries that reached their endpoint go, with their attempts, once they are this old.</summary>
    public TimeSpan Webhooks { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Webhook deliveries given up on (failed) stay longer, so their attempts can be looked into; then they go too.</summary>
    public TimeSpan WebhookFailures { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// A spool file whose message is no longer open (final, or unknown to the database) is swept once the
    /// file and the message's last change are this old, so a message being received or just finished is never touched.
    /// </summary>
    public TimeSpan SpoolGrace { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often <c>outpost serve</c> purges and sweeps.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Rows deleted per write transaction (a message goes whole with its recipients and attempts, so a batch may end a little above this).</summary>
    public int BatchSize { get; set; } = 500;

    /// <summary>Rate limits count the send log's last day, so a shorter send-log period would lift them.</summary>
    public static readonly TimeSpan ShortestSendLog = TimeSpan.FromDays(1);

    /// <summary>
    /// A file's time moves while DATA is written into it; after the last byte, the content check and the group
    /// commit take seconds. Ten minutes leaves a wide margin for a slow disk or a paused process.
    /// </summary>
    public static readonly TimeSpan ShortestSpoolGrace = TimeSpan.FromMinutes(10);

    public const int LargestBatch = 10_000;

    /// <summary>The first thing wrong with these options, as one sentence for the operator; null when they are fine.</summary>
    public string? Problem()
    {
        foreach (var (name, period) in new[] { ("SendLog", SendLog), ("Refusals", Refusals), ("Health", Health), ("Events", Events), ("Webhooks", Webhooks), ("WebhookFailures", WebhookFailures) })
            if (period < TimeSpan.Zero)
                return $"Retention:{name} is {Show(period)}; a period is 0 (keep forever) or longer, e.g. 30.00:00:00 for 30 days.";
        if (SendLog > TimeSpan.Zero && SendLog < ShortestSendLog)
            return $"Retention:SendLog is {Show(SendLog)}; use 0 to keep the send log forever or at least 1.00:00:00 (1 day), because the rate limits count its last day.";
        if (SpoolGrace < ShortestSpoolGrace)
            return $"Retention:SpoolGrace is {Show(SpoolGrace)}; it must be at least {Show(ShortestSpoolGrace)}, so a message still being received is never swept from the spool.";
        if (Interval <= TimeSpan.Zero)
            return $"Retention:Interval is {Show(Interval)}; the purger needs a time between runs, e.g. 01:00:00.";
        if (BatchSize is < 1 or > LargestBatch)
            return $"Retention:BatchSize is {BatchSize.ToString(CultureInfo.InvariantCulture)}; it must be between 1 and {LargestBatch.ToString(CultureInfo.InvariantCulture)} rows, small enough that a batch never holds the queue's writers up for long.";
        return null;
    }

    static string Show(TimeSpan t) => t.ToString("c", CultureInfo.InvariantCulture);
}
