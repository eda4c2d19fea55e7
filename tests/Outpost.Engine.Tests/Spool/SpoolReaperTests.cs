using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Engine.Queue;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Tests.Spool;

public sealed class SpoolReaperTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("outpost-reaper-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A queue store whose durable commit the test completes (or fails) by hand.</summary>
    sealed class GatedStore : IQueueStore
    {
        public TaskCompletionSource Gate { get; set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Calls;

        public Task MakeDurableAsync(CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Calls);
            return Gate.Task;
        }

        public Task<IReadOnlyList<IReadOnlyList<QueuedRecipient>>> EnqueueAsync(IReadOnlyList<NewMessage> batch, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<DeliveryWork>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<string>> RecordOutcomesAsync(IReadOnlyList<RecipientOutcome> outcomes, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task RecordTriesAsync(IReadOnlyList<(QueuedRecipient Recipient, DeliveryAttempt Attempt)> tries, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<int> ReleaseAllLeasesAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<QueuedMessage?> GetMessageAsync(string id, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<int> RetryNowAsync(string? messageId, DateTimeOffset now, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<int> HoldAsync(string messageId, DateTimeOffset now, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<int> ReleaseAsync(string messageId, DateTimeOffset now, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyList<QueuedRecipient>> ListOpenAsync(int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<IReadOnlyDictionary<string, int>> DepthAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }

    string NewFile(string name)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "message");
        return path;
    }

    [Fact]
    public async Task Finished_files_go_only_after_one_durable_commit_covers_them_all()
    {
        var store = new GatedStore();
        await using var reaper = new SpoolReaper(store, NullLogger<SpoolReaper>.Instance);
        var files = Enumerable.Range(0, 50).Select(i => NewFile($"m{i}")).ToList();
        foreach (var file in files)
            reaper.Finished(file);

        // The reaper gathers for a moment, then asks for durability once; until that returns, every file stays.
        await Eventually(() => Volatile.Read(ref store.Calls) == 1);
        await Task.Delay(300);
        Assert.All(files, f => Assert.True(File.Exists(f)));
        Assert.Equal(1, Volatile.Read(ref store.Calls));

        store.Gate.SetResult();
        await Eventually(() => files.All(f => !File.Exists(f)));
    }

    [Fact]
    public async Task When_the_durable_commit_fails_the_files_stay_and_go_with_the_next_one()
    {
        var store = new GatedStore();
        store.Gate.SetException(new IOException("disk full"));
        await using var reaper = new SpoolReaper(store, NullLogger<SpoolReaper>.Instance);
        var file = NewFile("m");
        reaper.Finished(file);
        await Eventually(() => Volatile.Read(ref store.Calls) >= 1);
        await Task.Delay(100);
        Assert.True(File.Exists(file));

        var working = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        working.SetResult();
        store.Gate = working;
        await Eventually(() => !File.Exists(file));
    }

    static async Task Eventually(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out");
            await Task.Delay(20);
        }
    }
}
