using System.Diagnostics;

namespace Outpost.Engine.Metrics;

/// <summary>
/// The <see cref="ActivitySource"/> <c>Outpost</c> over a message's journey, and the names of its spans and
/// tags (docs/METRICS.md): <c>outpost.submission</c> (from DATA to the reply, SMTP or API) with its children
/// <c>outpost.policy</c> (the content checks) and <c>outpost.enqueue</c> (the durable commit); then
/// <c>outpost.delivery</c> per message and destination, a child of the submission when the work was handed
/// over in this process, with an <c>outpost.delivery.attempt</c> per channel tried. Every span carries the
/// queue id, so a retry's spans (a trace of their own) are found by it too.
/// Talks to: nothing; spans exist only while something listens (OpenTelemetry when OTLP is configured, a
/// test's listener), and cost a null check otherwise.
/// Security stance: tags are queue ids, domains, channel names, codes and counts; no addresses of
/// senders or recipients, no subjects, no replies' text.
/// </summary>
public static class OutpostTracing
{
    public const string SourceName = "Outpost";

    public const string Submission = "outpost.submission";
    public const string Policy = "outpost.policy";
    public const string Enqueue = "outpost.enqueue";
    public const string Delivery = "outpost.delivery";
    public const string Attempt = "outpost.delivery.attempt";

    /// <summary>The queue id (Outpost's message id, as in <c>outpost queue show</c> and the send log).</summary>
    public const string QueueIdTag = "outpost.queue_id";
    /// <summary>The message's Message-ID header (without brackets), on the submission span.</summary>
    public const string MessageIdTag = "outpost.message_id";

    public static readonly ActivitySource Source = new(SourceName, BuildInfo.Version);

    /// <summary>Longest Message-ID carried as a tag: a header can be long, a tag should not be.</summary>
    const int MaxMessageIdTag = 200;

    /// <summary>The Message-ID as a tag: bounded in length.</summary>
    public static string? MessageIdForTag(string? messageId) =>
        messageId is null ? null : messageId.Length <= MaxMessageIdTag ? messageId : messageId[..MaxMessageIdTag];

    /// <summary>
    /// Starts a span whose parent is <paramref name="parent"/> when given, or no span at all (a root) when it is
    /// default: delivery runs on connections that outlive any one submission, and must not inherit whichever
    /// submission's span happened to be current when the connection started.
    /// </summary>
    public static Activity? StartUnder(string name, ActivityKind kind, ActivityContext parent)
    {
        if (!Source.HasListeners())
            return null;
        var current = Activity.Current;
        Activity.Current = null;
        try
        {
            return Source.StartActivity(name, kind, parent);
        }
        finally
        {
            // Started, the span is current itself; not started, what was current before is again.
            if (Activity.Current is null)
                Activity.Current = current;
        }
    }
}
