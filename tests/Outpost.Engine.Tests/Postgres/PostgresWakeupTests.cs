using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Audit;
using Outpost.Engine.Queue;
using Outpost.Engine.Tests.Contracts;
using Outpost.Storage.Postgres;

namespace Outpost.Engine.Tests.Postgres;

/// <summary>
/// <c>LISTEN/NOTIFY</c> between two nodes, each with its own pool: a write that makes work claimable by any
/// node wakes the other node's idle loop at its commit, long before the poll would; a write that leaves no
/// work for others (an enqueue, whose recipients are leased to the node that queued them) wakes nobody.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresWakeupTests(PostgresFixture fixture) : IAsyncDisposable
{
    static readonly TimeSpan Poll = TimeSpan.FromSeconds(30);
    readonly FakeTimeProvider _time = StoreSet.NewClock();
    readonly TestDatabase _database = fixture.NewDatabase();
    readonly List<PostgresDatabase> _pools = [];
    readonly List<PostgresWakeups> _listeners = [];

    DateTimeOffset Now => _time.GetUtcNow();

    (PostgresDatabase Db, PostgresQueueStore Queue, PostgresWakeups Wakeups) Node(string name)
    {
        var db = PostgresDatabase.Open(_database.ConnectionString);
        _pools.Add(db);
        var wakeups = new PostgresWakeups(db);
        _listeners.Add(wakeups);
        return (db, new PostgresQueueStore(db, _time, new NodeIdentity(name)), wakeups);
    }

    NewMessage Message(string id, int recipients) => new(
        new QueuedMessage(id, "alice@example.com", "s", 10, "alice@example.com", "127.0.0.1", "h", "submission", Now, "/spool/" + id),
        [.. Enumerable.Range(0, recipients).Select(i => new NewRecipient($"r{i}@wake.test", "wake.test", Route.Remote))]);

    /// <summary>How long node b's idle wait lasted while <paramref name="write"/> ran on node a, and whether a notice ended it.</summary>
    static async Task<(bool Woken, TimeSpan After)> WaitDuringAsync(PostgresWakeups idle, Func<Task> write)
    {
        var clock = Stopwatch.StartNew();
        // The real clock: the notice is real, the poll is 30 s.
        var waiting = idle.WaitAsync(Poll, TimeProvider.System, CancellationToken.None);
        await write();
        var finished = await Task.WhenAny(waiting, Task.Delay(TimeSpan.FromSeconds(10)));
        return (finished == waiting && await waiting, clock.Elapsed);
    }

    [Fact]
    public async Task Leases_released_at_a_nodes_start_wake_the_idle_node_which_claims_them()
    {
        var a = Node("node-a");
        var b = Node("node-b");
        await b.Wakeups.ListeningAsync();
        await a.Queue.EnqueueAsync([Message("0000000000WAKE01", 5)], Now + TimeSpan.FromMinutes(1));

        var (woken, after) = await WaitDuringAsync(b.Wakeups, async () => Assert.Equal(5, await a.Queue.ReleaseOwnLeasesAsync()));

        Assert.True(woken, "node b was not woken by node a's released leases");
        Assert.True(after < TimeSpan.FromSeconds(5), $"node b woke after {after}");
        Assert.Equal(5, (await b.Queue.ClaimDueAsync(Now, Now + TimeSpan.FromMinutes(1), 100)).Sum(w => w.Recipients.Count));
    }

    [Fact]
    public async Task An_operators_retry_wakes_the_idle_node_and_an_enqueue_does_not()
    {
        var a = Node("node-a");
        var b = Node("node-b");
        var audit = new PostgresAuditStore(a.Db);
        await b.Wakeups.ListeningAsync();

        // Queued by node a: leased to it, delivered by it; nothing for node b, so no notice.
        var queued = (await a.Queue.EnqueueAsync([Message("0000000000WAKE02", 3)], Now + TimeSpan.FromMinutes(1)))[0];
        Assert.False(await b.Wakeups.WaitAsync(TimeSpan.FromSeconds(1), TimeProvider.System, CancellationToken.None), "an enqueue woke node b");

        // Node a's try fails; the recipients wait five minutes, then an operator says "retry now".
        var attempt = new DeliveryAttempt(Now, "direct", null, null, 451, "451 4.3.0 try later", null, TimeSpan.Zero);
        await a.Queue.RecordOutcomesAsync([.. queued.Select(r => RecipientTransitions.Deferred(r, attempt, Now + TimeSpan.FromMinutes(5), TimeSpan.Zero))]);
        var waiting = await a.Queue.WaitingAsync(new QueueSelection { MessageId = "0000000000WAKE02" }, Now, 0, 100);
        var line = await audit.AddAsync(new AuditEntry(0, Now, "anna", AuditActor.Cli, QueueActions.Name(QueueAction.Retry), "message=0000000000WAKE02", null, "a test", 0, 0));
        var retries = waiting.Select(w => RecipientTransitions.RetryNow(w.Recipient, "retried by anna")).ToList();

        var (woken, after) = await WaitDuringAsync(b.Wakeups, async () =>
            Assert.Equal(3, (await a.Queue.ApplyOperatorBatchAsync(new OperatorBatch(line.Id, Now, retries, [], Now, 0))).Changed.Count));

        Assert.True(woken, "node b was not woken by the operator's retry");
        Assert.True(after < TimeSpan.FromSeconds(5), $"node b woke after {after}");
        Assert.Equal(3, (await b.Queue.ClaimDueAsync(Now, Now + TimeSpan.FromMinutes(1), 100)).Sum(w => w.Recipients.Count));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var listener in _listeners)
            await listener.DisposeAsync();
        foreach (var pool in _pools)
            pool.Dispose();
        _database.Dispose();
    }
}
