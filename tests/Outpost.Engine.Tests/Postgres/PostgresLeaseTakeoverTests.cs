using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Delivery;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;
using Outpost.Engine.Tests.Contracts;
using Outpost.Storage.Postgres;

namespace Outpost.Engine.Tests.Postgres;

/// <summary>
/// Two nodes on one database, each with its own pool, and node a's real heartbeat (<see cref="LeaseHeartbeat"/>)
/// on a fake clock: while it beats, node b cannot take node a's work; once it stops (node a died), node b
/// resumes every recipient one lease time later, and each is delivered once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLeaseTakeoverTests(PostgresFixture fixture) : IAsyncDisposable
{
    readonly FakeTimeProvider _time = StoreSet.NewClock();
    readonly TestDatabase _database = fixture.NewDatabase();
    readonly List<PostgresDatabase> _pools = [];
    readonly LeaseRules _rules = new(TimeSpan.FromSeconds(6));

    DateTimeOffset Now => _time.GetUtcNow();

    (PostgresDatabase Db, PostgresQueueStore Queue, PostgresSendLog Log) Node(string name)
    {
        var db = PostgresDatabase.Open(_database.ConnectionString);
        _pools.Add(db);
        return (db, new PostgresQueueStore(db, _time, new NodeIdentity(name)), new PostgresSendLog(db));
    }

    async Task<DateTimeOffset> EarliestLeaseAsync(PostgresDatabase db)
    {
        await using var read = db.Read("SELECT min(lease_until) FROM recipients WHERE lease_until IS NOT NULL");
        return new DateTimeOffset((DateTime)(await read.ExecuteScalarAsync())!, TimeSpan.Zero);
    }

    [Fact]
    public async Task While_its_heartbeat_beats_a_node_keeps_its_work_and_when_it_stops_the_other_node_resumes_it_once()
    {
        var a = Node("node-a");
        var b = Node("node-b");
        var message = new NewMessage(
            new QueuedMessage("0000000000BEAT01", "alice@example.com", "s", 10, "alice@example.com", "127.0.0.1", "h", "submission", Now, "/spool/beat"),
            [.. Enumerable.Range(0, 30).Select(i => new NewRecipient($"r{i}@d{i % 3}.test", $"d{i % 3}.test", Route.Remote))]);
        await a.Queue.EnqueueAsync([message], Now - TimeSpan.FromSeconds(1));
        var mine = (await a.Queue.ClaimDueAsync(Now, _rules.Until(Now), 100)).SelectMany(w => w.Recipients).ToList();
        Assert.Equal(30, mine.Count);
        var firstLease = await EarliestLeaseAsync(a.Db);

        var heartbeat = new LeaseHeartbeat(a.Queue, new PostgresNodeStore(a.Db), _rules, new NodeIdentity("node-a"), _time, NullLogger<LeaseHeartbeat>.Instance);
        await heartbeat.StartAsync(CancellationToken.None);
        try
        {
            // Four beats, each seen in the database before the clock moves on (the beat runs on its own task).
            for (var beat = 1; beat <= 4; beat++)
            {
                _time.Advance(_rules.HeartbeatEvery);
                var expected = _rules.Until(Now);
                for (var wait = 0; wait < 200 && await EarliestLeaseAsync(a.Db) < expected; wait++)
                    await Task.Delay(25);
                Assert.Equal(expected, await EarliestLeaseAsync(a.Db));
            }
            Assert.True(Now > firstLease, "the clock is past the lease the claim took");
            Assert.Empty(await b.Queue.ClaimDueAsync(Now, _rules.Until(Now), 100));
        }
        finally
        {
            // Node a dies: its heartbeat stops.
            await heartbeat.StopAsync(CancellationToken.None);
            heartbeat.Dispose();
        }

        _time.Advance(_rules.LeaseTime - TimeSpan.FromSeconds(1));
        Assert.Empty(await b.Queue.ClaimDueAsync(Now, _rules.Until(Now), 100));
        _time.Advance(TimeSpan.FromSeconds(2));
        var resumed = (await b.Queue.ClaimDueAsync(Now, _rules.Until(Now), 100)).SelectMany(w => w.Recipients).ToList();
        Assert.Equal(mine.Select(r => r.Id).Order(), resumed.Select(r => r.Id).Order());

        var attempt = new DeliveryAttempt(Now, "direct", null, null, 250, "250 2.0.0 ok", null, TimeSpan.Zero);
        var completed = await b.Queue.RecordOutcomesAsync([.. resumed.Select(r => RecipientTransitions.Delivered(r, attempt))]);
        Assert.Equal(["0000000000BEAT01"], completed.Completed);
        Assert.Empty(completed.Lost);
        var delivered = await b.Log.EventsAsync(new EventQuery(MessageId: "0000000000BEAT01", Type: LifecycleEvents.Delivered, Limit: 1000));
        Assert.Equal(30, delivered.Count);
        Assert.Equal(30, delivered.Select(e => e.RecipientId).Distinct().Count());
    }

    public ValueTask DisposeAsync()
    {
        foreach (var pool in _pools)
            pool.Dispose();
        _database.Dispose();
        return ValueTask.CompletedTask;
    }
}
