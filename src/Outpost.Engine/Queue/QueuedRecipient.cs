namespace Outpost.Engine.Queue;

/// <summary>One recipient of a queued message, with its delivery state.</summary>
public sealed record QueuedRecipient(
    long Id,
    string MessageId,
    string Address,
    string Domain,
    Route Route,
    RecipientStatus Status,
    int Attempts,
    DateTimeOffset NextAttemptAt,
    string? LastReply);
