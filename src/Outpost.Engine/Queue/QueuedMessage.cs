namespace Outpost.Engine.Queue;

/// <summary>
/// One accepted message: its envelope sender, what the send log shows about it, and its spool file.
/// <paramref name="Sender"/> is empty for the null sender (bounces).
/// </summary>
public sealed record QueuedMessage(
    string Id,
    string Sender,
    string? Subject,
    long Size,
    string? AuthUser,
    string? ClientIp,
    string? Helo,
    string Source,
    DateTimeOffset ReceivedAt,
    string SpoolPath)
{
    /// <summary>The content model's version and verdict for a message with external recipients ("20261201-…: business 0.97"), for the send log.</summary>
    public string? ContentVerdict { get; init; }

    /// <summary>The Message-ID header (without brackets) as accepted or added, so a complaint that keeps only it can be matched.</summary>
    public string? HeaderMessageId { get; init; }

    /// <summary>Where a report to the feedback listener comes from: anyone, unauthenticated.</summary>
    public const string FeedbackSource = "feedback";

    /// <summary>
    /// The sending domain the message and its events are filed under (a domain's send log and webhooks). A
    /// report on the feedback listener is filed under none: its sender is whatever an unauthenticated
    /// client claimed, and must not put events into a customer's webhooks or log.
    /// </summary>
    public string SenderDomain => Source == FeedbackSource ? "" : Sender[(Sender.IndexOf('@') + 1)..];
}
