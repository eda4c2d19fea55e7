using Outpost.Engine.Queue;

namespace Outpost.Engine.SendLog;

/// <summary>One line of the send log: one recipient of one message.</summary>
public sealed record LogEntry(
    string MessageId,
    DateTimeOffset ReceivedAt,
    string Sender,
    string Recipient,
    RecipientStatus Status,
    int Attempts,
    string? LastReply,
    string? Subject,
    DateTimeOffset UpdatedAt);
