namespace Outpost.Engine.Operations;

/// <summary>One line of the queue summary: a domain (or sender domain, or channel), its waiting recipients per age bucket, and their total.</summary>
public sealed record SummaryRow(string Key, IReadOnlyList<int> Counts, int Total);
