namespace Outpost.Engine.Queue;

/// <summary>The result of an attempt: the recipient's new status, the attempt itself, and the next try if deferred.</summary>
public sealed record RecipientOutcome(QueuedRecipient Recipient, RecipientStatus NewStatus, DeliveryAttempt Attempt, DateTimeOffset? NextAttemptAt);
