namespace Outpost.Engine.Queue;

/// <summary>
/// The durable queue: messages and their recipients' state. A recipient is worked on by one node at a
/// time, under a lease that names the node (<see cref="NodeIdentity"/>, given to the store when it is made)
/// and runs out (<see cref="LeaseRules"/>); a lease that runs out (a crash) makes it claimable again, by any node.
/// </summary>
public interface IQueueStore
{
    /// <summary>Queues a batch in one transaction; the recipients come back leased to the caller, ready to deliver.</summary>
    Task<IReadOnlyList<IReadOnlyList<QueuedRecipient>>> EnqueueAsync(IReadOnlyList<NewMessage> batch, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims recipients that are due (their lease, if any, run out), grouped into work by message, route and
    /// domain, leased to this node. Fair across sender domains: each domain's first due recipient comes before
    /// any domain's second, and so on (within a turn, soonest due first), so one sender domain's burst does
    /// not hold back another's mail past the first batch.
    /// </summary>
    Task<IReadOnlyList<DeliveryWork>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores attempts and new states; returns the ids of messages that have no open recipient left, and the
    /// outcomes that did not take. A delivery's outcome (<see cref="RecipientOutcome.ByLeaseHolder"/>) takes only
    /// while the recipient's lease bears this node's name: once another node has taken it over, the newer
    /// node's state stands.
    /// </summary>
    Task<RecordedOutcomes> RecordOutcomesAsync(IReadOnlyList<RecipientOutcome> outcomes, CancellationToken cancellationToken = default);

    /// <summary>Stores tries that failed over to another channel: attempts in the log, no change of status.</summary>
    Task RecordTriesAsync(IReadOnlyList<(QueuedRecipient Recipient, DeliveryAttempt Attempt)> tries, CancellationToken cancellationToken = default);

    /// <summary>
    /// At the start of a node: the leases that bear its name (and leases that bear none, from before leases
    /// named their node) are released, their recipients waiting again; other nodes' leases are left alone.
    /// </summary>
    Task<int> ReleaseOwnLeasesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The heartbeat: this node's leases on open recipients claimed at or after <paramref name="claimedSince"/>
    /// now run until <paramref name="leaseUntil"/>. A lease another node has taken over is not this node's any more.
    /// </summary>
    Task<int> RenewLeasesAsync(DateTimeOffset leaseUntil, DateTimeOffset claimedSince, CancellationToken cancellationToken = default);

    Task<QueuedMessage?> GetMessageAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// A page of waiting recipients (queued, deferred, delivering, held) that meet the stored criteria of
    /// <paramref name="selection"/> — message, recipient domain, sender, status, arrival before
    /// <paramref name="now"/> minus its age — in id order after <paramref name="afterId"/> (a message's
    /// recipients are next to each other). The channel a recipient would go through is a routing
    /// decision, not a stored fact: the caller matches it.
    /// </summary>
    Task<IReadOnlyList<WaitingRecipient>> WaitingAsync(QueueSelection selection, DateTimeOffset now, long afterId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies one batch of an operator's action in one transaction: each change where the status is
    /// still the old one (and, for changes that say so, no delivery holds the lease), with its event; the
    /// recipients released or retried become due at the batch's next try; the audit line's counts grow by
    /// what took and what was left alone, in the same transaction, so they are always what happened.
    /// </summary>
    Task<OperatorBatchResult> ApplyOperatorBatchAsync(OperatorBatch batch, CancellationToken cancellationToken = default);

    /// <summary>Recipients not yet final (held ones included), soonest due first.</summary>
    Task<IReadOnlyList<QueuedRecipient>> ListOpenAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Open recipients by status, for the queue-depth gauge.</summary>
    Task<IReadOnlyDictionary<string, int>> DepthAsync(CancellationToken cancellationToken = default);

    /// <summary>When the next recipient falls due, or null when none waits.</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default);
}
