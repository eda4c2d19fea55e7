namespace Outpost.Engine.Complaints;

/// <summary>What a message to a feedback address turned out to be.</summary>
public static class ReportKinds
{
    /// <summary>A feedback report in the Abuse Reporting Format (RFC 5965): multipart/report with a message/feedback-report part.</summary>
    public const string Arf = "arf";

    /// <summary>A person forwarded the mail, inline or as an attachment, usually with a line of their own.</summary>
    public const string Forwarded = "forwarded";

    /// <summary>Neither: kept, and listed with the sentence why it could not be read.</summary>
    public const string Unknown = "unknown";
}
