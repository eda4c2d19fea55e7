using System.Text.RegularExpressions;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>swaks, the real SMTP test client, as the tests' mail user agent.</summary>
public static partial class Swaks
{
    public static Task<ProcessResult> RunAsync(params string[] args) =>
        Processes.RunAsync(Paths.Tool("swaks"), args.Append("--hide-informational"), timeout: TimeSpan.FromSeconds(90));

    /// <summary>The queue id from "250 2.0.0 Ok: queued as …", or null.</summary>
    public static string? QueueId(ProcessResult result) =>
        QueuedAs().Match(result.All) is { Success: true } m ? m.Groups[1].Value : null;

    [GeneratedRegex("queued as ([0-9A-Z]{16})")]
    private static partial Regex QueuedAs();
}
