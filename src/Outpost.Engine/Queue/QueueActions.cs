namespace Outpost.Engine.Queue;

/// <summary>
/// The words of the queue actions (the same in the CLI, the API, the queue page and the audit trail) and
/// the queue id as a person may type it.
/// </summary>
public static class QueueActions
{
    public static string Name(QueueAction action) => action.ToString().ToLowerInvariant();

    /// <summary>The action a word names, or null.</summary>
    public static QueueAction? Parse(string? name) =>
        Enum.GetValues<QueueAction>().Cast<QueueAction?>().FirstOrDefault(a => string.Equals(Name(a!.Value), name?.Trim(), StringComparison.OrdinalIgnoreCase));

    public static string Unknown(string? name) =>
        $"'{name}' is not a queue action; use one of {string.Join(", ", Enum.GetValues<QueueAction>().Select(Name))}.";

    /// <summary>Whether the action needs a reason: a delete cannot be undone, so the trail must say why.</summary>
    public static bool NeedsReason(QueueAction action) => action is QueueAction.Delete or QueueAction.Bounce;

    /// <summary>A queue id as a person may type it (lower case, spaces around), or null when it cannot be one.</summary>
    public static string? NormaliseId(string messageId)
    {
        var id = messageId.Trim().ToUpperInvariant();
        return id.Length is 0 or > 32 || !id.All(char.IsAsciiLetterOrDigit) ? null : id;
    }
}
