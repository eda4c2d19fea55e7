using Outpost.Engine.Queue;

namespace Outpost.Engine.Operations;

/// <summary>
/// What an action did (or, in a dry run, would do): how many recipients met the selection, how many it
/// changed, how many it left alone because a delivery held them, its line in the audit trail (none for a
/// dry run or a refusal), and the one sentence the CLI, the API and the queue page all show.
/// </summary>
public sealed record QueueOperationResult(QueueAction Action, QueueSelection Selection, bool DryRun, int Matched, int Touched, int Skipped, long? AuditId,
    string Sentence)
{
    /// <summary>Refused before anything was looked at: bad input, a missing reason, no criteria.</summary>
    public bool Refused { get; init; }

    /// <summary>Something was done, or in a dry run would be.</summary>
    public bool Done => !Refused && (Touched > 0 || DryRun);
}
