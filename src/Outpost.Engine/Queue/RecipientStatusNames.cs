namespace Outpost.Engine.Queue;

/// <summary>The lower-case words of <see cref="RecipientStatus"/> as stored and shown.</summary>
public static class RecipientStatusNames
{
    public static string ToName(this RecipientStatus status) => status.ToString().ToLowerInvariant();

    public static RecipientStatus Parse(string name) =>
        Enum.TryParse<RecipientStatus>(name, ignoreCase: true, out var status)
            ? status
            : throw new ArgumentException($"'{name}' is not a status; use one of {string.Join(", ", Enum.GetNames<RecipientStatus>().Select(n => n.ToLowerInvariant()))}.");

    /// <summary>The statuses that never change again.</summary>
    public static readonly IReadOnlyList<RecipientStatus> Final = [RecipientStatus.Delivered, RecipientStatus.Bounced, RecipientStatus.Rejected, RecipientStatus.Deleted];

    /// <summary>The statuses of recipients the delivery loop works on (held ones wait outside it).</summary>
    public static readonly IReadOnlyList<RecipientStatus> Open = [RecipientStatus.Queued, RecipientStatus.Deferred, RecipientStatus.Delivering];

    /// <summary>The statuses of recipients still in the queue: the open ones and the held ones, what an operator's selection can reach.</summary>
    public static readonly IReadOnlyList<RecipientStatus> Waiting = [RecipientStatus.Queued, RecipientStatus.Deferred, RecipientStatus.Delivering, RecipientStatus.Held];

    /// <summary>A final status never changes again.</summary>
    public static bool IsFinal(this RecipientStatus status) => Final.Contains(status);

    /// <summary>A set of statuses as an SQL list, "('queued', 'deferred')", for stores' WHERE clauses.</summary>
    public static string SqlList(IEnumerable<RecipientStatus> statuses) => "(" + string.Join(", ", statuses.Select(s => $"'{s.ToName()}'")) + ")";
}
