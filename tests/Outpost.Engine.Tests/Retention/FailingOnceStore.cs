using Outpost.Engine.Retention;

namespace Outpost.Engine.Tests.Retention;

/// <summary>A retention store whose first send-log purge fails (a locked or full disk), then finds nothing to do.</summary>
internal sealed class FailingOnceStore : IRetentionStore
{
    int _purges;

    public int Purges => Volatile.Read(ref _purges);

    public Task<SendLogBatch> PurgeSendLogAsync(DateTimeOffset before, PurgePosition? after, int batchSize, CancellationToken cancellationToken = default) =>
        Interlocked.Increment(ref _purges) == 1
            ? throw new IOException("disk I/O error")
            : Task.FromResult(new SendLogBatch(default, null));

    public Task<MessageRows> CountSendLogAsync(DateTimeOffset before, CancellationToken cancellationToken = default) => Task.FromResult(default(MessageRows));

    public Task<int> PurgeAsync(AgedRows kind, DateTimeOffset before, int batchSize, CancellationToken cancellationToken = default) => Task.FromResult(0);

    public Task<long> CountAsync(AgedRows kind, DateTimeOffset before, CancellationToken cancellationToken = default) => Task.FromResult(0L);

    public Task<IReadOnlySet<string>> UnsettledAsync(IReadOnlyCollection<string> messageIds, DateTimeOffset before, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());
}
