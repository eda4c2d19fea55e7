namespace Outpost.Engine.Queue;

/// <summary>
/// A message about to be queued, its spool file already durable. With <paramref name="Review"/> its
/// external recipients are queued held, waiting for an operator's review; hosted ones go at once.
/// </summary>
public sealed record NewMessage(QueuedMessage Message, IReadOnlyList<NewRecipient> Recipients, ReviewHold? Review = null);
