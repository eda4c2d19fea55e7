namespace Outpost.Engine.Queue;

/// <summary>A message about to be queued, its spool file already durable.</summary>
public sealed record NewMessage(QueuedMessage Message, IReadOnlyList<NewRecipient> Recipients);
