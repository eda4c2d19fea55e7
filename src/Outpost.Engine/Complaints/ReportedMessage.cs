namespace Outpost.Engine.Complaints;

/// <summary>
/// What a report shows of the message complained about: its headers (whole, as headers only, or as a
/// person's forward quoted them). Addresses are lower-case and may be redacted (<c>xxxxxx@example.net</c>).
/// </summary>
public sealed record ReportedMessage(
    string? QueueId,
    string? MessageId,
    string? From,
    IReadOnlyList<string> Recipients,
    DateTimeOffset? Date,
    string? Subject);
