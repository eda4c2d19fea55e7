namespace Outpost.Engine.Complaints;

/// <summary>
/// One report read from the feedback mailbox, kept whatever came of it: what it said (kind, feedback
/// type, the ARF fields), what it was matched to (the original message, the complainer among its
/// recipients, the sender), and <see cref="Explanation"/>, the sentence saying how it was matched or why
/// it could not be. The raw report is kept apart (<see cref="IComplaintStore.RawAsync"/>), at most
/// <c>Complaints:MaxReportSize</c> bytes of its <see cref="RawSize"/>.
/// </summary>
public sealed record Complaint
{
    public long Id { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required string Status { get; init; }
    public required string Explanation { get; init; }
    public required string Kind { get; init; }
    public string? FeedbackType { get; init; }
    public required string Via { get; init; }
    public string? ReportId { get; init; }
    public string? ReportAddress { get; init; }
    public string? Reporter { get; init; }
    public string? ReadBy { get; init; }
    public string? UserAgent { get; init; }
    public DateTimeOffset? ArrivalDate { get; init; }
    public string? SourceIp { get; init; }
    public string? ReportedDomain { get; init; }
    public string? OriginalMailFrom { get; init; }
    public string? OriginalRcptTo { get; init; }
    public string? Comment { get; init; }
    /// <summary>How the original was found: one of <see cref="MatchMethods"/>.</summary>
    public string? MatchedBy { get; init; }
    /// <summary>The queue id of the original message.</summary>
    public string? MessageId { get; init; }
    public long? RecipientId { get; init; }
    public string? Complainer { get; init; }
    public string? Sender { get; init; }
    public string? SenderDomain { get; init; }
    public string? Subject { get; init; }
    public required long RawSize { get; init; }
    public bool RawTruncated { get; init; }
}
