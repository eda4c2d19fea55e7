namespace Outpost.Engine.Audit;

/// <summary>
/// The audit trail's storage. Lines are only added, never changed, except that a queue action's counts
/// grow as its batches are applied (in the queue store's transaction of each batch, see
/// <see cref="Queue.IQueueStore.ApplyOperatorBatchAsync"/>). Restrictions write their lines in the
/// transaction of the restriction itself (the policy store does).
/// </summary>
public interface IAuditStore
{
    /// <summary>Adds a line and returns it with its id (the id and the counts given are ignored).</summary>
    Task<AuditEntry> AddAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    Task<AuditEntry?> GetAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Lines, newest first.</summary>
    Task<IReadOnlyList<AuditEntry>> ListAsync(AuditQuery query, CancellationToken cancellationToken = default);
}
