using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Queue;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Queue;

public sealed class OutcomeCommitterTests : IAsyncDisposable
{
    readonly TempDirectory _dir = new();
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
    readonly SqliteDatabase _db;
    readonly GatedStore _store;
    readonly OutcomeCommitter _committer;

    public OutcomeCommitterTests()
    {
        _db = new SqliteDatabase(Path.Combine(_dir.Path, "outpost.db"));
        _store = new GatedStore(new SqliteQueueStore(_db, _time, new NodeIdentity("node-a")));
        _committer = new OutcomeCommitter(_store, NullLogger<OutcomeCommitter>.Instance);
    }

    async Task<IReadOnlyList<QueuedRecipient>> EnqueueAsync(string id, params string[] recipients)
    {
        var message = new QueuedMessage(id, "alice@example.com", "s", 10, "alice@example.com", "127.0.0.1", "h", "submission", _time.GetUtcNow(), "/spool/" + id);
        var batch = new[] { new NewMessage(message, recipients.Select(r => new NewRecipient(r, r[(r.IndexOf('@') + 1)..], Route.Remote)).ToList()) };
        return (await _store.EnqueueAsync(batch, _time.GetUtcNow()))[0];
    }

    RecipientOutcome Outcome(QueuedRecipient recipient, RecipientStatus status) =>
        new(recipient, status, new DeliveryAttempt(_time.GetUtcNow(), "direct", "mx.x.test", "127.0.0.1", 250, "250 ok", null, TimeSpan.FromMilliseconds(3)),
            status == RecipientStatus.Deferred ? _time.GetUtcNow() + TimeSpan.FromMinutes(5) : null);

    [Fact]
    public async Task Deliveries_that_end_together_share_one_transaction_and_each_learns_only_its_own_finished_messages()
    {
        var messages = new List<IReadOnlyList<QueuedRecipient>>();
        for (var i = 0; i < 30; i++)
            messages.Add(await EnqueueAsync($"M{i:D15}", $"a{i}@x.test", $"b{i}@x.test"));

        // The first commit is held inside the store; the other 29 queue up behind it meanwhile.
        _store.Hold();
        var first = _committer.CommitAsync([Outcome(messages[0][0], RecipientStatus.Delivered), Outcome(messages[0][1], RecipientStatus.Delivered)]);
        await _store.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        // Odd messages keep one recipient open (deferred): they are not finished.
        var rest = Enumerable.Range(1, 29).Select(i => _committer.CommitAsync(
        [
            Outcome(messages[i][0], RecipientStatus.Delivered),
            Outcome(messages[i][1], i % 2 == 0 ? RecipientStatus.Bounced : RecipientStatus.Deferred),
        ])).ToList();
        _store.Release();

        Assert.Equal([messages[0][0].MessageId], (await first).Completed);
        for (var i = 1; i < 30; i++)
            Assert.Equal(i % 2 == 0 ? [messages[i][0].MessageId] : [], (await rest[i - 1]).Completed);
        Assert.Equal([2, 58], _store.BatchSizes);

        var open = await _store.ListOpenAsync(100);
        Assert.Equal(15, open.Count); // messages 1, 3, … 29
        Assert.All(open, r => Assert.Equal(RecipientStatus.Deferred, r.Status));
        Assert.Equal(60, Count("SELECT COUNT(*) FROM attempts"));
    }

    [Fact]
    public async Task One_outcome_that_cannot_be_stored_fails_its_own_delivery_and_no_other()
    {
        var good = await EnqueueAsync("M000000000000001", "a@x.test");
        var other = await EnqueueAsync("M000000000000002", "b@x.test");
        // A recipient the queue never held: its attempt row breaks the foreign key.
        var unknown = good[0] with { Id = 999_999 };

        _store.Hold();
        var blocker = _committer.CommitAsync([Outcome(other[0], RecipientStatus.Delivered)]);
        await _store.Entered.WaitAsync(TimeSpan.FromSeconds(10));
        var fine = _committer.CommitAsync([Outcome(good[0], RecipientStatus.Delivered)]);
        var broken = _committer.CommitAsync([Outcome(unknown, RecipientStatus.Delivered)]);
        _store.Release();

        Assert.Equal(["M000000000000002"], (await blocker).Completed);
        Assert.Equal(["M000000000000001"], (await fine).Completed);
        await Assert.ThrowsAsync<SqliteException>(() => broken);
        Assert.Empty(await _store.ListOpenAsync(10));
        Assert.Equal(2, Count("SELECT COUNT(*) FROM attempts"));
    }

    [Fact]
    public async Task After_shutdown_a_late_outcome_is_still_stored()
    {
        var queued = await EnqueueAsync("M000000000000003", "a@x.test");
        await _committer.DisposeAsync();
        Assert.Equal(["M000000000000003"], (await _committer.CommitAsync([Outcome(queued[0], RecipientStatus.Delivered)])).Completed);
        Assert.Equal(1, Count("SELECT COUNT(*) FROM attempts"));
    }

    long Count(string sql)
    {
        using var c = _db.OpenRead();
        using var command = c.CreateCommand();
        command.CommandText = sql;
        return (long)command.ExecuteScalar()!;
    }

    public async ValueTask DisposeAsync()
    {
        await _committer.DisposeAsync();
        _db.Dispose();
        _dir.Dispose();
    }

    /// <summary>The real store, with a gate that can hold the next outcome commit and a record of each commit's size.</summary>
    sealed class GatedStore(IQueueStore inner) : IQueueStore
    {
        TaskCompletionSource? _gate;
        TaskCompletionSource? _next;
        public SemaphoreSlim Entered { get; } = new(0);
        public List<int> BatchSizes { get; } = [];

        public void Hold() => _gate = _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        public void Release() => _gate?.TrySetResult();

        public async Task<RecordedOutcomes> RecordOutcomesAsync(IReadOnlyList<RecipientOutcome> outcomes, CancellationToken cancellationToken = default)
        {
            lock (BatchSizes)
                BatchSizes.Add(outcomes.Count);
            if (Interlocked.Exchange(ref _next, null) is { } gate)
            {
                Entered.Release();
                await gate.Task;
            }
            return await inner.RecordOutcomesAsync(outcomes, cancellationToken);
        }

        public Task<IReadOnlyList<IReadOnlyList<QueuedRecipient>>> EnqueueAsync(IReadOnlyList<NewMessage> batch, DateTimeOffset leaseUntil, CancellationToken cancellationToken = default) =>
            inner.EnqueueAsync(batch, leaseUntil, cancellationToken);
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
