namespace Outpost.Engine.Complaints;

/// <summary>What came of a report: the same words in the database, CLI, API and web.</summary>
public static class ComplaintStatuses
{
    /// <summary>Matched to a message Outpost sent: counted in the complaint rate and against the sender.</summary>
    public const string Matched = "matched";

    /// <summary>Kept, but no message could be found (or the report could not be read); the explanation says why.</summary>
    public const string Unmatched = "unmatched";

    /// <summary>The same recipient's complaint about the same message was read before; nothing changes twice.</summary>
    public const string Duplicate = "duplicate";

    /// <summary>A report that is not a complaint (not-spam, auth-failure): kept, changes nothing.</summary>
    public const string Ignored = "ignored";

    public static readonly IReadOnlyList<string> All = [Matched, Unmatched, Duplicate, Ignored];
}
