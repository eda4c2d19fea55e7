using Outpost.Engine.Queue;

namespace Outpost.Engine.Delivery;

/// <summary>
/// One recipient's result of one try. <see cref="ProbeAt"/>, for a temporary failure, asks for the next try
/// sooner than the retry schedule would: the recipient is the probe that finds out whether its destination
/// works again once the channels' cool-down ends.
/// </summary>
public sealed record AttemptResult(QueuedRecipient Recipient, AttemptKind Kind, DeliveryAttempt Attempt)
{
    public DateTimeOffset? ProbeAt { get; init; }
}
