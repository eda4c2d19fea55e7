namespace Outpost.Engine.Queue;

/// <summary>
/// Retry, hold and release of one message, with the one sentence that says what happened: the CLI
/// (<c>outpost queue retry|hold|release</c>) and the queue page say the same.
/// </summary>
public static class QueueActions
{
    public static async Task<(int Count, string Sentence)> ApplyAsync(IQueueStore store, QueueAction action, string messageId, DateTimeOffset now,
        CancellationToken cancellationToken = default)
    {
        if (NormaliseId(messageId) is not { } id)
            return (0, "That is not a queue id; queue ids are letters and digits, as shown by the queue list.");
        var count = action switch
        {
            QueueAction.Retry => await store.RetryNowAsync(id, now, cancellationToken),
            QueueAction.Hold => await store.HoldAsync(id, now, cancellationToken),
            _ => await store.ReleaseAsync(id, now, cancellationToken),
        };
        var sentence = (action, count > 0) switch
        {
            (QueueAction.Retry, true) => $"{count} recipient(s) of {id} will be tried again now.",
            (QueueAction.Retry, false) => $"No deferred recipient of {id} is waiting.",
            (QueueAction.Hold, true) => $"{count} recipient(s) of {id} are held.",
            (QueueAction.Hold, false) => $"No waiting recipient of {id} can be held.",
            (_, true) => $"{count} recipient(s) of {id} are released and will be tried now.",
            (_, false) => $"No recipient of {id} is held.",
        };
        return (count, sentence);
    }

    /// <summary>A queue id as a person may type it (lower case, spaces around), or null when it cannot be one.</summary>
    public static string? NormaliseId(string messageId)
    {
        var id = messageId.Trim().ToUpperInvariant();
        return id.Length is 0 or > 32 || !id.All(char.IsAsciiLetterOrDigit) ? null : id;
    }

    public static async Task<(int Count, string Sentence)> RetryAllAsync(IQueueStore store, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var count = await store.RetryNowAsync(null, now, cancellationToken);
        return (count, $"{count} deferred recipient(s) will be tried again now.");
    }
}
