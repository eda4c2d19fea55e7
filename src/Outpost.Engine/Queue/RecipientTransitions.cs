namespace Outpost.Engine.Queue;

/// <summary>
/// The one owner of recipient state: every status change of a recipient is decided here, as a value
/// (<see cref="RecipientOutcome"/> after an attempt, <see cref="RecipientTransition"/> otherwise), and
/// the store only applies it — "set this status where the status is still that one" — and writes its
/// event in the same transaction. The table of allowed changes is <see cref="IsAllowed"/>; a change it
/// does not allow is a bug and throws here rather than reaching the database.
/// The rule that a recipient going back to the queue is "queued" before its first attempt and
/// "deferred" after lives here too (it was a CASE in three SQL statements).
/// Tries that failed over to another channel within one delivery are attempts, not status changes.
/// </summary>
public static class RecipientTransitions
{
    static readonly HashSet<(RecipientStatus From, RecipientStatus To)> Allowed =
    [
        // claimed for delivery; a delivering recipient whose lease ran out is claimed again
        (RecipientStatus.Queued, RecipientStatus.Delivering),
        (RecipientStatus.Deferred, RecipientStatus.Delivering),
        (RecipientStatus.Delivering, RecipientStatus.Delivering),
        // the outcome of an attempt (a fresh recipient is delivered while still queued, under its lease)
        (RecipientStatus.Queued, RecipientStatus.Delivered),
        (RecipientStatus.Queued, RecipientStatus.Deferred),
        (RecipientStatus.Queued, RecipientStatus.Bounced),
        (RecipientStatus.Delivering, RecipientStatus.Delivered),
        (RecipientStatus.Delivering, RecipientStatus.Deferred),
        (RecipientStatus.Delivering, RecipientStatus.Bounced),
        // an operator holds and releases; a review refuses
        (RecipientStatus.Queued, RecipientStatus.Held),
        (RecipientStatus.Deferred, RecipientStatus.Held),
        (RecipientStatus.Held, RecipientStatus.Queued),
        (RecipientStatus.Held, RecipientStatus.Deferred),
        (RecipientStatus.Held, RecipientStatus.Bounced),
        // an operator deletes what waits, silently or with a bounce to the sender (queued and held ones
        // bounce by the pairs above)
        (RecipientStatus.Queued, RecipientStatus.Deleted),
        (RecipientStatus.Deferred, RecipientStatus.Deleted),
        (RecipientStatus.Held, RecipientStatus.Deleted),
        (RecipientStatus.Deferred, RecipientStatus.Bounced),
        // a lease released at start-up; an operator's "retry now" (the next try moves, the status stays)
        (RecipientStatus.Delivering, RecipientStatus.Queued),
        (RecipientStatus.Delivering, RecipientStatus.Deferred),
        (RecipientStatus.Queued, RecipientStatus.Queued),
        (RecipientStatus.Deferred, RecipientStatus.Deferred),
    ];

    public static bool IsAllowed(RecipientStatus from, RecipientStatus to) => Allowed.Contains((from, to));

    /// <summary>The status a new recipient starts in: held when its message waits for review, else queued.</summary>
    public static RecipientStatus Initial(bool held) => held ? RecipientStatus.Held : RecipientStatus.Queued;

    /// <summary>The event of a new recipient.</summary>
    public static string InitialEvent(bool held) => held ? LifecycleEvents.Held : LifecycleEvents.Queued;

    /// <summary>A delivery's success; like every delivery's outcome it takes only under this node's lease (<see cref="RecipientOutcome.ByLeaseHolder"/>).</summary>
    public static RecipientOutcome Delivered(QueuedRecipient recipient, DeliveryAttempt attempt) =>
        Outcome(new RecipientOutcome(recipient, RecipientStatus.Delivered, attempt, null) { ByLeaseHolder = true });

    /// <summary>A delivery's permanent failure, under this node's lease.</summary>
    public static RecipientOutcome Bounced(QueuedRecipient recipient, DeliveryAttempt attempt) =>
        Outcome(new RecipientOutcome(recipient, RecipientStatus.Bounced, attempt, null) { ByLeaseHolder = true });

    /// <summary>
    /// A temporary failure: deferred to <paramref name="retryAt"/>, or, when the retry schedule has no
    /// later try (the message is too old), bounced as expired with the last reply in its words. Under this node's lease.
    /// </summary>
    public static RecipientOutcome Deferred(QueuedRecipient recipient, DeliveryAttempt attempt, DateTimeOffset? retryAt, TimeSpan age) =>
        retryAt is { } due
            ? Outcome(new RecipientOutcome(recipient, RecipientStatus.Deferred, attempt, due) { ByLeaseHolder = true })
            : Outcome(new RecipientOutcome(recipient, RecipientStatus.Bounced,
                attempt with { Reply = $"Gave up after {age.TotalDays:0.#} days; the last try said: {attempt.Reply}" }, null) { Event = LifecycleEvents.Expired, ByLeaseHolder = true });

    /// <summary>A held recipient refused by an operator's review: it bounces with the review's sentence.</summary>
    public static RecipientOutcome RefusedAfterReview(QueuedRecipient recipient, DeliveryAttempt attempt) =>
        Outcome(new RecipientOutcome(recipient, RecipientStatus.Bounced, attempt, null));

    /// <summary>
    /// A recipient refused at submission with <paramref name="reply"/> (the sentence the sender saw):
    /// "suppressed" when the refusal is the sending domain's suppression list, "rejected" for every other
    /// refusal (policy, content, relay, limits). It was never queued, so there is no "from".
    /// </summary>
    public static RefusedRecipient Refused(string sender, string address, int code, string reply, bool suppressed) =>
        new(sender, address, suppressed ? LifecycleEvents.Suppressed : LifecycleEvents.Rejected, new RemoteReply(code, RemoteReply.EnhancedIn(reply), reply),
            suppressed ? "the address is on the sending domain's suppression list" : "refused at submission");

    public static RecipientTransition Claim(QueuedRecipient recipient) =>
        Transition(recipient, RecipientStatus.Delivering, LifecycleEvents.Delivering, "claimed for delivery");

    /// <summary>An operator's hold: it takes only while no delivery holds the recipient's lease.</summary>
    public static RecipientTransition Hold(QueuedRecipient recipient, string reason) =>
        Transition(recipient, RecipientStatus.Held, LifecycleEvents.Held, reason) with { UnlessLeased = true };

    public static RecipientTransition Release(QueuedRecipient recipient, string reason) =>
        Transition(recipient, BackInQueue(recipient), LifecycleEvents.Released, reason);

    /// <summary>An operator's "retry now": a deferred recipient stays deferred, due at once (no status change, no event).</summary>
    public static RecipientTransition RetryNow(QueuedRecipient recipient, string reason) =>
        Transition(recipient, RecipientStatus.Deferred, LifecycleEvents.Deferred, reason) with { UnlessLeased = true };

    /// <summary>An operator's silent delete: final, the sender is not told; the send log keeps <paramref name="reply"/>.</summary>
    public static RecipientTransition Delete(QueuedRecipient recipient, string reason, string reply) =>
        Transition(recipient, RecipientStatus.Deleted, LifecycleEvents.Deleted, reason) with { UnlessLeased = true, Reply = reply };

    /// <summary>
    /// An operator's delete with a bounce: the recipient bounces with <paramref name="attempt"/> (whose reply
    /// the sender's notification quotes), the event keeps <paramref name="reason"/>.
    /// </summary>
    public static RecipientOutcome DeletedWithBounce(QueuedRecipient recipient, DeliveryAttempt attempt, string reason) =>
        Outcome(new RecipientOutcome(recipient, RecipientStatus.Bounced, attempt, null) { Reason = reason, UnlessLeased = true });

    /// <summary>
    /// Whether an operator's <paramref name="action"/> applies to a recipient in <paramref name="status"/>:
    /// hold reaches queued and deferred ones, release held ones, retry deferred ones, delete and bounce
    /// every waiting one. A recipient being delivered is reached by none (its delivery decides).
    /// </summary>
    public static bool Applies(QueueAction action, RecipientStatus status) => action switch
    {
        QueueAction.Hold => status is RecipientStatus.Queued or RecipientStatus.Deferred,
        QueueAction.Release => status is RecipientStatus.Held,
        QueueAction.Retry => status is RecipientStatus.Deferred,
        _ => status is RecipientStatus.Queued or RecipientStatus.Deferred or RecipientStatus.Held,
    };

    /// <summary>A lease released at start-up: the recipient waits again as it did before its try began.</summary>
    public static RecipientTransition LeaseLost(QueuedRecipient recipient) =>
        Transition(recipient, BackInQueue(recipient), LifecycleEvents.Requeued, "the node that was delivering it stopped");

    /// <summary>Queued before its first attempt, deferred after one.</summary>
    static RecipientStatus BackInQueue(QueuedRecipient recipient) => recipient.Attempts == 0 ? RecipientStatus.Queued : RecipientStatus.Deferred;

    static RecipientOutcome Outcome(RecipientOutcome outcome)
    {
        Check(outcome.Recipient, outcome.NewStatus);
        return outcome;
    }

    static RecipientTransition Transition(QueuedRecipient recipient, RecipientStatus to, string name, string reason)
    {
        Check(recipient, to);
        return new RecipientTransition(recipient, to, name, reason);
    }

    static void Check(QueuedRecipient recipient, RecipientStatus to)
    {
        if (!IsAllowed(recipient.Status, to))
            throw new InvalidOperationException($"Recipient {recipient.Id} of {recipient.MessageId} cannot go from {recipient.Status.ToName()} to {to.ToName()}.");
    }
}
