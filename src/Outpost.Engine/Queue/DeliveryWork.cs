namespace Outpost.Engine.Queue;

/// <summary>A message and those of its recipients one delivery handles together (one route, one domain).</summary>
public sealed record DeliveryWork(QueuedMessage Message, IReadOnlyList<QueuedRecipient> Recipients);
