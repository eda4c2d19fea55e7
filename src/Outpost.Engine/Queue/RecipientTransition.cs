namespace Outpost.Engine.Queue;

/// <summary>
/// A status change that is not the result of an attempt, decided by <see cref="RecipientTransitions"/>:
/// a claim for delivery, a hold, a release, a lease that ran out, an operator's retry or delete. The
/// recipient is as it was (its status is the change's "from"); a transition whose new status equals the
/// old one changes only the lease (or the time of the next try) and emits no event.
/// </summary>
public sealed record RecipientTransition(QueuedRecipient Recipient, RecipientStatus To, string Event, string Reason)
{
    public RecipientStatus From => Recipient.Status;

    public bool ChangesStatus => From != To;

    /// <summary>
    /// The change takes only while no delivery holds the recipient's lease: an operator never changes a
    /// recipient under a delivery's feet. The store checks it in the same statement as the old status.
    /// </summary>
    public bool UnlessLeased { get; init; }

    /// <summary>A reply to keep as the recipient's last one (what the send log shows), or null to keep the last try's.</summary>
    public string? Reply { get; init; }
}
