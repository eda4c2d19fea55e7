using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Configuration;
using Outpost.Engine.Idempotency;
using Outpost.Engine.Queue;
using Outpost.Engine.Spool;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Queue;

public sealed class QueueCommitterTests : IAsyncDisposable
{
    readonly TempDirectory _dir = new();
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
    readonly SqliteDatabase _db;
    readonly GatedStore _store;
    readonly QueueCommitter _committer;

    public QueueCommitterTests()
    {
        _db = new SqliteDatabase(Path.Combine(_dir.Path, "outpost.db"));
        _store = new GatedStore(new SqliteQueueStore(_db, _time, new NodeIdentity("node-a")));
        _committer = new QueueCommitter(_store, new SpoolBodyStore(new MessageSpool(_dir.Path)), _time, TimeSpan.FromMinutes(15), NullLogger<QueueCommitter>.Instance);
    }

    NewMessage Message(string id) => new(
        new QueuedMessage(id, "alice@example.com", "s", 10, "alice@example.com", "127.0.0.1", "api", "submission", _time.GetUtcNow(), "/spool/" + id),
        [new NewRecipient("bob@x.test", "x.test", Route.Remote)]);

    [Fact]
    public async Task A_message_whose_idempotency_claim_was_lost_fails_alone_and_the_rest_of_its_batch_is_queued()
    {
        var keys = new IdempotencyService(new SqliteIdempotencyStore(_db), new ApiOptions(), _time, TimeSpan.Zero);
        var lost = (await keys.BeginAsync("key:a", "k", "h")).Ticket!;
        _time.Advance(IdempotencyRules.StaleAfter);
        var holder = (await keys.BeginAsync("key:a", "k", "h")).Ticket!;

        // The first commit is held inside the store; the next three queue up behind it and go as one batch.
        _store.Hold();
        var first = _committer.CommitAsync(Message("M000000000000000"));
        await _store.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        var before = _committer.CommitAsync(Message("M000000000000001"));
        var refused = _committer.CommitAsync(Message("M000000000000002") with { Idempotency = new IdempotencyCompletion(lost, new StoredAnswer(202, "{}")) });
        var after = _committer.CommitAsync(Message("M000000000000003") with { Idempotency = new IdempotencyCompletion(holder, new StoredAnswer(202, "{}")) });
        _store.Release();

        await first;
        Assert.Single(await before);
        await Assert.ThrowsAsync<IdempotencyClaimLostException>(() => refused);
        Assert.Single(await after);
        Assert.Equal([1, 3, 1, 1, 1], _store.BatchSizes);

        using var c = _db.OpenRead();
        Assert.Equal(["M000000000000000", "M000000000000001", "M000000000000003"], c.Query<string>("SELECT id FROM messages ORDER BY id").ToList());
        Assert.Equal("M000000000000003", c.ExecuteScalar<string>("SELECT message_id FROM idempotency_keys"));
    }

    public async ValueTask DisposeAsync()
    {
        await _committer.DisposeAsync();
        _db.Dispose();
        _dir.Dispose();
    }

    /// <summary>The real store, with a gate that can hold the next enqueue and a record of each enqueue's size.</summary>
    sealed class GatedStore(IQueueStore inner) : IQueueStore
    {
        TaskCompletionSource? _gate;
        TaskCompletionSource? _next;
        public SemaphoreSlim Entered { get; } = new(0);
        public List<int> BatchSizes { get; } = [];

        public void Hold() => _gate = _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        public void Release() => _gate?.TrySetResult();

        public async Task<IReadOnlyList<IReadOnlyList<QueuedRecipient>>> EnqueueAsync(IReadOnlyList<NewMessage> batch, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default)
        {
            lock (BatchSizes)
                BatchSizes.Add(batch.Count);
            if (Interlocked.Exchange(ref _next, null) is { } gate)
            {
                Entered.Release();
                await gate.Task;
            }
            return await inner.EnqueueAsync(batch, leaseUntil, cancellationToken);
        }

        public Task<RecordedOutcomes> RecordOutcomesAsync(IReadOnlyList<RecipientOutcome> outcomes, CancellationToken cancellationToken = default) =>
            inner.RecordOutcomesAsync(outcomes, cancellationToken);
        public Task<IReadOnlyList<DeliveryWork>> ClaimDueAsync(DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default) =>
            inner.ClaimDueAsync(now, leaseUntil, limit, cancellationToken);
        public Task RecordTriesAsync(IReadOnlyList<(QueuedRecipient Recipient, DeliveryAttempt Attempt)> tries, CancellationToken cancellationToken = default) =>
            inner.RecordTriesAsync(tries, cancellationToken);
        public Task<int> ReleaseOwnLeasesAsync(CancellationToken cancellationToken = default) => inner.ReleaseOwnLeasesAsync(cancellationToken);
        public Task<int> RenewLeasesAsync(DateTimeOffset leaseUntil, DateTimeOffset claimedSince, CancellationToken cancellationToken = default) =>
            inner.RenewLeasesAsync(leaseUntil, claimedSince, cancellationToken);
        public Task<QueuedMessage?> GetMessageAsync(string id, CancellationToken cancellationToken = default) => inner.GetMessageAsync(id, cancellationToken);
        public Task<IReadOnlyList<WaitingRecipient>> WaitingAsync(QueueSelection selection, DateTimeOffset now, long afterId, int limit, CancellationToken cancellationToken = default) =>
            inner.WaitingAsync(selection, now, afterId, limit, cancellationToken);
        public Task<OperatorBatchResult> ApplyOperatorBatchAsync(OperatorBatch batch, CancellationToken cancellationToken = default) =>
            inner.ApplyOperatorBatchAsync(batch, cancellationToken);
        public Task<IReadOnlyList<QueuedRecipient>> ListOpenAsync(int limit, CancellationToken cancellationToken = default) => inner.ListOpenAsync(limit, cancellationToken);
        public Task<IReadOnlyDictionary<string, int>> DepthAsync(CancellationToken cancellationToken = default) => inner.DepthAsync(cancellationToken);
        public Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken = default) => inner.NextDueAsync(cancellationToken);
    }
}
