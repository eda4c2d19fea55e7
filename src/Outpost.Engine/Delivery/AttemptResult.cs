using Outpost.Engine.Queue;

namespace Outpost.Engine.Delivery;

/// <summary>One recipient's result of one try.</summary>
public sealed record AttemptResult(QueuedRecipient Recipient, AttemptKind Kind, DeliveryAttempt Attempt);
