using Outpost.Engine.Queue;

namespace Outpost.Engine.Audit;

/// <summary>
/// The words of the audit trail's actions: the queue actions by their names (hold, release, retry,
/// delete, bounce), the restrictions' (restricted, lifted) and retention's (purged).
/// </summary>
public static class AuditActions
{
    public const string Restricted = "restricted";
    public const string Lifted = "lifted";

    public static readonly IReadOnlyList<string> Restrictions = [Restricted, Lifted];

    public static readonly IReadOnlyList<string> Queue = Enum.GetValues<QueueAction>().Select(QueueActions.Name).ToList();

    /// <summary>Retention removed history older than its periods (the scheduler or <c>outpost purge</c>).</summary>
    public const string Purged = "purged";

    public static readonly IReadOnlyList<string> All = [.. Queue, .. Restrictions, Purged];
}
