using Outpost.Engine.Policy;

namespace Outpost.Benchmarks;

/// <summary>Bulk counts that are not stored: the micro-benchmarks measure classification, not SQLite.</summary>
sealed class NullBulkStore : IBulkStore
{
    public Task<IReadOnlyList<(ulong Fingerprint, string Recipient, DateTimeOffset SeenAt)>> LoadAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<(ulong, string, DateTimeOffset)>>([]);

    public Task AddAsync(IReadOnlyList<(ulong Fingerprint, string Recipient, DateTimeOffset SeenAt)> rows, DateTimeOffset pruneBefore, CancellationToken cancellationToken = default) =>
        Task.CompletedTask;
}
