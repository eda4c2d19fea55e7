namespace Outpost.Engine.Complaints;

/// <summary>
/// How a report reached the reader: as mail to a feedback address (<paramref name="ReportId"/> the queue id
/// of the report itself, <paramref name="Address"/> the feedback address), or handed in by a person through
/// the API, the CLI or the web page (<paramref name="By"/> who).
/// </summary>
public sealed record ReportOrigin(string Via, string? ReportId = null, string? Address = null, string? EnvelopeSender = null, string? By = null)
{
    public const string Smtp = "smtp";
    public const string Api = "api";
    public const string Cli = "cli";
    public const string Web = "web";
}
