namespace Outpost.Engine.Queue;

/// <summary>
/// A recipient still in the queue (queued, deferred, delivering or held) with what an operator selects
/// it by: its message's sender (empty for the null sender) and arrival, the lease a delivery holds, and
/// whether its message waits for a review decision (held by the content model, not by an operator).
/// </summary>
public sealed record WaitingRecipient(QueuedRecipient Recipient, string Sender, DateTimeOffset ReceivedAt, DateTimeOffset? LeaseUntil, bool UnderReview = false)
{
    /// <summary>Held for review: only the review queue decides it (its release records the decision and the example).</summary>
    public bool HeldForReview => UnderReview && Recipient.Status == RecipientStatus.Held;

    /// <summary>Being delivered at <paramref name="now"/>: claimed, or under the lease of the delivery that queued it.</summary>
    public bool InDelivery(DateTimeOffset now) => Recipient.Status == RecipientStatus.Delivering || LeaseUntil > now;

    /// <summary>The sender's domain, or "" for the null sender.</summary>
    public string SenderDomain => Sender.Length == 0 ? "" : Sender[(Sender.IndexOf('@') + 1)..].ToLowerInvariant();
}
