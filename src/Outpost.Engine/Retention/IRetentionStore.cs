namespace Outpost.Engine.Retention;

/// <summary>
/// The deletes behind retention. Every purge call is one short write transaction of about
/// <c>batchSize</c> rows; the caller loops. A message is "settled before T" when none of its recipients
/// is open (queued, deferred, delivering, held) and none changed at or after T: only settled messages
/// are ever removed, and only their spool files swept.
/// </summary>
public interface IRetentionStore
{
    /// <summary>Removes settled messages received before <paramref name="before"/>, with their recipients, attempts and review, looking at up to <paramref name="batchSize"/> messages after <paramref name="after"/>.</summary>
    Task<SendLogBatch> PurgeSendLogAsync(DateTimeOffset before, PurgePosition? after, int batchSize, CancellationToken cancellationToken = default);

    /// <summary>What <see cref="PurgeSendLogAsync"/> would remove, without removing anything.</summary>
    Task<MessageRows> CountSendLogAsync(DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>Removes up to <paramref name="batchSize"/> rows of the kind older than <paramref name="before"/>; fewer than that means none are left.</summary>
    Task<int> PurgeAsync(AgedRows kind, DateTimeOffset before, int batchSize, CancellationToken cancellationToken = default);

    /// <summary>How many rows of the kind are older than <paramref name="before"/>.</summary>
    Task<long> CountAsync(AgedRows kind, DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>Those of <paramref name="messageIds"/> that are not settled before <paramref name="before"/>: their spool files stay. An id the database does not know is settled.</summary>
    Task<IReadOnlySet<string>> UnsettledAsync(IReadOnlyCollection<string> messageIds, DateTimeOffset before, CancellationToken cancellationToken = default);
}
