namespace Outpost.Engine.Queue;

/// <summary>
/// A status change that is not the result of an attempt, decided by <see cref="RecipientTransitions"/>:
/// a claim for delivery, a hold, a release, a lease that ran out. The recipient is as it was (its status
/// is the change's "from"); a transition whose new status equals the old one changes only the lease and
/// emits no event.
/// </summary>
public sealed record RecipientTransition(QueuedRecipient Recipient, RecipientStatus To, string Event, string Reason)
{
    public RecipientStatus From => Recipient.Status;

    public bool ChangesStatus => From != To;
}
