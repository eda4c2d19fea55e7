using Outpost.Engine.Queue;

namespace Outpost.Engine.SendLog;

/// <summary>One row of the events outbox: a recipient's status change, with the reply that caused it when an attempt did.</summary>
public sealed record LifecycleEvent(
    long Id,
    string Type,
    string MessageId,
    long RecipientId,
    string Recipient,
    RecipientStatus? From,
    RecipientStatus To,
    string? Reason,
    RemoteReply? Reply,
    int Attempt,
    string? Channel,
    DateTimeOffset At);
