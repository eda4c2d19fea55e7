using Outpost.Engine.Queue;

namespace Outpost.Engine.SendLog;

/// <summary>Everything the send log knows about one message.</summary>
public sealed record MessageReport(QueuedMessage Message, IReadOnlyList<QueuedRecipient> Recipients, IReadOnlyList<AttemptEntry> Attempts);
