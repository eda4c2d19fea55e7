namespace Outpost.Engine.Queue;

/// <summary>
/// The durable queue: messages and their recipients' state. A recipient is worked on by one node at a
/// time, under a lease; a lease that runs out (a crash) makes it claimable again.
/// </summary>
public interface IQueueStore
{
    /// <summary>Queues a batch in one transaction; the recipients come back leased to the caller, ready to deliver.</summary>
    Task<IReadOnlyList<IReadOnlyList<QueuedRecipient>>> EnqueueAsync(IReadOnlyList<NewMessage> batch, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default);

    /// <summary>Claims recipients that are due, grouped into work by message, route and domain.</summary>
    Task<IReadOnlyList<DeliveryWork>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default);

    /// <summary>Stores attempts and new states; returns the ids of messages that have no open recipient left.</summary>
    Task<IReadOnlyList<string>> RecordOutcomesAsync(IReadOnlyList<RecipientOutcome> outcomes, CancellationToken cancellationToken = default);

    /// <summary>Stores tries that failed over to another channel: attempts in the log, no change of status.</summary>
    Task RecordTriesAsync(IReadOnlyList<(QueuedRecipient Recipient, DeliveryAttempt Attempt)> tries, CancellationToken cancellationToken = default);

    /// <summary>After a restart of a single node: every lease it held is released.</summary>
    Task<int> ReleaseAllLeasesAsync(CancellationToken cancellationToken = default);

    Task<QueuedMessage?> GetMessageAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Makes deferred recipients due now: of one message, or all when <paramref name="messageId"/> is null.</summary>
    Task<int> RetryNowAsync(string? messageId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>
    /// Holds a message: its queued and deferred recipients stay in the queue but are not tried until
    /// released. Recipients being delivered at this moment finish their try. Returns how many were held.
    /// </summary>
    Task<int> HoldAsync(string messageId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Releases a held message: its recipients are due at once. Returns how many were released.</summary>
    Task<int> ReleaseAsync(string messageId, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Recipients not yet final (held ones included), soonest due first.</summary>
    Task<IReadOnlyList<QueuedRecipient>> ListOpenAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Open recipients by status, for the queue-depth gauge.</summary>
    Task<IReadOnlyDictionary<string, int>> DepthAsync(CancellationToken cancellationToken = default);

    /// <summary>When the next recipient falls due, or null when none waits.</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default);
}
