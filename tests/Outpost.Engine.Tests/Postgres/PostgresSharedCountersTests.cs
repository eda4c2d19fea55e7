using System.Net;
using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Accounts;
using Outpost.Engine.Configuration;
using Outpost.Engine.Delivery;
using Outpost.Engine.Policy;
using Outpost.Engine.Queue;
using Outpost.Engine.Tests.Contracts;
using Outpost.Storage.Postgres;

namespace Outpost.Engine.Tests.Postgres;

/// <summary>
/// The counters two nodes share on one database, each node with its own pool: the login throttle counts
/// failures made on either node, and the per-sender rate limits count what either node queued, so two nodes
/// do not each allow the full rate; and the per-destination connections are shared out among the live nodes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSharedCountersTests(PostgresFixture fixture) : IDisposable
{
    readonly FakeTimeProvider _time = StoreSet.NewClock();
    readonly TestDatabase _database = fixture.NewDatabase();
    readonly List<PostgresDatabase> _pools = [];

    PostgresDatabase Pool()
    {
        var db = PostgresDatabase.Open(_database.ConnectionString);
        _pools.Add(db);
        return db;
    }

    [Fact]
    public async Task Failed_logins_on_two_nodes_count_together_and_lapse_with_the_window()
    {
        var options = new AuthOptions { FreeFailures = 2, MaxFailures = 6, MaxNetworkFailures = 100, FailureWindow = TimeSpan.FromMinutes(15) };
        var a = new AuthThrottle(new PostgresLoginFailureStore(Pool()), options, _time);
        var b = new AuthThrottle(new PostgresLoginFailureStore(Pool()), options, _time);
        var attacker = IPAddress.Parse("198.51.100.7");

        // Three tries on each node: each node alone would allow six; together they reach the limit.
        for (var i = 0; i < 3; i++)
        {
            await a.RecordFailureAsync(attacker);
            Assert.False(await b.IsBlockedAsync(attacker));
            var (delay, disconnect) = await b.RecordFailureAsync(attacker);
            Assert.Equal(i == 2, disconnect);
            // The delay grows with the failures of both nodes: the 2nd, 4th, 6th failure.
            Assert.Equal(i == 0 ? TimeSpan.Zero : disconnect ? options.MaxDelay : TimeSpan.FromSeconds(2), delay);
        }
        Assert.True(await a.IsBlockedAsync(attacker));
        Assert.True(await b.IsBlockedAsync(attacker));
        Assert.False(await a.IsBlockedAsync(IPAddress.Parse("198.51.100.8")));

        _time.Advance(options.FailureWindow + TimeSpan.FromSeconds(1));
        Assert.False(await a.IsBlockedAsync(attacker));
        // The next failure deletes the rows that fell out of the window.
        Assert.Equal((TimeSpan.Zero, false), await b.RecordFailureAsync(attacker));
        await using var rows = _pools[0].Read("SELECT count(*) FROM login_failures");
        Assert.Equal(2L, await rows.ExecuteScalarAsync());
    }

    [Fact]
    public async Task A_senders_rate_limit_counts_what_both_nodes_queued()
    {
        var node = Pool();
        var queueA = new PostgresQueueStore(node, _time, new NodeIdentity("node-a"));
        var queueB = new PostgresQueueStore(Pool(), _time, new NodeIdentity("node-b"));
        var limiterB = new RateLimiter(new PostgresPolicyStore(_pools[1]), new PolicyOptions { MailboxMessagesPerHour = 4 }, _time);
        NewMessage Message(string id) => new(
            new QueuedMessage(id, "alice@one.test", "s", 10, "alice@one.test", "127.0.0.1", "h", "submission", _time.GetUtcNow(), "/spool/" + id),
            [new NewRecipient("r@x.test", "x.test", Route.Remote)]);

        await queueA.EnqueueAsync([Message("RATE000000000001"), Message("RATE000000000002")], _time.GetUtcNow());
        await queueB.EnqueueAsync([Message("RATE000000000003")], _time.GetUtcNow());
        Assert.Null(await limiterB.RefusalAsync("alice@one.test", "one.test", 1));
        await queueA.EnqueueAsync([Message("RATE000000000004")], _time.GetUtcNow());
        // Four queued, three of them by node a: node b refuses the fifth.
        var refusal = await limiterB.RefusalAsync("alice@one.test", "one.test", 1);
        Assert.NotNull(refusal);
        Assert.Equal(451, refusal.Value.Code);
    }

    [Fact]
    public async Task Each_node_takes_its_share_of_a_destinations_connections_among_the_live_nodes()
    {
        var rules = new LeaseRules(TimeSpan.FromSeconds(10));
        var nodes = new PostgresNodeStore(Pool());
        var share = new ConnectionShare();
        var heartbeat = new LeaseHeartbeat(new PostgresQueueStore(_pools[0], _time, new NodeIdentity("node-a")), nodes, rules, new NodeIdentity("node-a"), _time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<LeaseHeartbeat>.Instance, share);
        Assert.Equal(10, share.Of(10));
        // Node b beats now, node c beat long ago (gone): node a shares the limit with node b only.
        await nodes.RecordBeatAsync(new NodeBeat("node-c", "1.0.0", "mx3", _time.GetUtcNow() - TimeSpan.FromMinutes(5), _time.GetUtcNow() - TimeSpan.FromMinutes(1)));
        await nodes.RecordBeatAsync(new NodeBeat("node-b", "1.0.0", "mx2", _time.GetUtcNow(), _time.GetUtcNow()));
        Assert.True(await heartbeat.RecordNodeAsync(CancellationToken.None));
        Assert.Equal(2, share.LiveNodes);
        Assert.Equal(5, share.Of(10));
        Assert.Equal(1, share.Of(1));

        // Node b stops beating: one lease time later node a has the whole limit again.
        _time.Advance(rules.LeaseTime + TimeSpan.FromSeconds(1));
        Assert.True(await heartbeat.RecordNodeAsync(CancellationToken.None));
        Assert.Equal(10, share.Of(10));
        heartbeat.Dispose();
    }

    public void Dispose()
    {
        foreach (var pool in _pools)
            pool.Dispose();
        _database.Dispose();
    }
}
