namespace Outpost.Storage.Postgres;

/// <summary>A row of the events outbox waiting in its transaction for its id (<see cref="EventOutbox"/>).</summary>
sealed record PendingEvent(
    string Type,
    string MessageId,
    long RecipientId,
    string Address,
    string? From,
    string To,
    string? Reason,
    int? Code,
    string? Enhanced,
    string? Reply,
    int Attempt,
    string? Channel,
    DateTimeOffset At);
