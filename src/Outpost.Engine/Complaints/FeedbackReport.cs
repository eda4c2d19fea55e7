namespace Outpost.Engine.Complaints;

/// <summary>
/// A report as the parser read it: an ARF report's machine-readable fields (RFC 5965 §3.1), a forwarded
/// complaint's comment and forwarder, and what either shows of the original message. <see cref="Problem"/>
/// is the sentence saying why the report could not be read; the report is kept all the same.
/// </summary>
public sealed record FeedbackReport(string Kind)
{
    public string? Problem { get; init; }
    public string? FeedbackType { get; init; }
    public string? UserAgent { get; init; }
    public string? Version { get; init; }
    public string? ReportingMta { get; init; }
    public string? SourceIp { get; init; }
    public string? ReportedDomain { get; init; }
    /// <summary>Original-Mail-From: the envelope sender of the original, lower-case, without brackets.</summary>
    public string? OriginalMailFrom { get; init; }
    /// <summary>Original-Rcpt-To: the envelope recipients the report is about (may be redacted, or absent).</summary>
    public IReadOnlyList<string> OriginalRcptTo { get; init; } = [];
    public DateTimeOffset? ArrivalDate { get; init; }
    /// <summary>The report's own From: a mailbox provider's feedback loop, or the person who forwarded the mail.</summary>
    public string? Reporter { get; init; }
    /// <summary>What a person wrote above a forward, or the human-readable part of an ARF report (shortened).</summary>
    public string? Comment { get; init; }
    public ReportedMessage? Original { get; init; }

    public static FeedbackReport Unreadable(string problem) => new(ReportKinds.Unknown) { Problem = problem };
}
