using Outpost.Engine.Queue;

namespace Outpost.Engine.Audit;

/// <summary>
/// The words of the audit trail's actions: the queue actions by their names (hold, release, retry,
/// delete, bounce) and the restrictions' (restricted, lifted).
/// </summary>
public static class AuditActions
{
    public const string Restricted = "restricted";
    public const string Lifted = "lifted";

    public static readonly IReadOnlyList<string> Restrictions = [Restricted, Lifted];

    public static readonly IReadOnlyList<string> Queue = Enum.GetValues<QueueAction>().Select(QueueActions.Name).ToList();

    public static readonly IReadOnlyList<string> All = [.. Queue, .. Restrictions];
}
