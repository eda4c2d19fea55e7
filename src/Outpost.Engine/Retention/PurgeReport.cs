using System.Globalization;

namespace Outpost.Engine.Retention;

/// <summary>What one purge removed (or, in a dry run, would remove), kind by kind.</summary>
public sealed record PurgeReport(bool DryRun, DateTimeOffset At, IReadOnlyList<PurgeCount> Kinds)
{
    public long Total => Kinds.Sum(k => k.Count);

    public long Count(string kind) => Kinds.Single(k => k.Kind == kind).Count;

    /// <summary>"3 messages, 5 recipients, 1 spool-files" — the kinds with something in them, for a log line.</summary>
    public string Summary() => Total == 0
        ? "nothing"
        : string.Join(", ", Kinds.Where(k => k.Count > 0).Select(k => $"{k.Count.ToString(CultureInfo.InvariantCulture)} {k.Kind}"));
}
