namespace Outpost.Engine.Policy;

/// <summary>Where the bulk-duplicate counts live, so a restart does not reset them: which content went to which external mailbox, and when.</summary>
public interface IBulkStore
{
    Task<IReadOnlyList<(ulong Fingerprint, string Recipient, DateTimeOffset SeenAt)>> LoadAsync(DateTimeOffset since, CancellationToken cancellationToken = default);

    /// <summary>Stores the rows (a newer time for a known pair replaces the older) and removes rows seen before <paramref name="pruneBefore"/>.</summary>
    Task AddAsync(IReadOnlyList<(ulong Fingerprint, string Recipient, DateTimeOffset SeenAt)> rows, DateTimeOffset pruneBefore, CancellationToken cancellationToken = default);
}
