namespace Outpost.Storage.Postgres;

/// <summary>
/// A row of the events outbox waiting in its transaction for its id (<see cref="EventOutbox"/>). A
/// recipient refused at submission has no message or recipient id, and names its sender; for the others
/// the sender is null and is copied from the message's row.
/// </summary>
sealed record PendingEvent(
    string Type,
    string? MessageId,
    long? RecipientId,
    string Address,
    string? From,
    string To,
    string? Reason,
    int? Code,
    string? Enhanced,
    string? Reply,
    int Attempt,
    string? Channel,
    DateTimeOffset At)
{
    public string? Sender { get; init; }
    public string? SenderDomain { get; init; }
}
