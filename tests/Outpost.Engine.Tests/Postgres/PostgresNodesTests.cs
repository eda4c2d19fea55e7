using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;
using Outpost.Engine.Tests.Contracts;
using Outpost.Storage.Postgres;

namespace Outpost.Engine.Tests.Postgres;

/// <summary>Two nodes on one database, each with its own data source (its own pool), as two `outpost serve` processes would be.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresNodesTests(PostgresFixture fixture) : IDisposable
{
    static readonly TimeSpan Lease = TimeSpan.FromMinutes(15);
    readonly FakeTimeProvider _time = StoreSet.NewClock();
    readonly TestDatabase _database = fixture.NewDatabase();
    readonly List<PostgresDatabase> _nodes = [];

    DateTimeOffset Now => _time.GetUtcNow();

    (PostgresDatabase Db, PostgresQueueStore Queue, PostgresSendLog Log) Node()
    {
        var db = PostgresDatabase.Open(_database.ConnectionString);
        _nodes.Add(db);
        return (db, new PostgresQueueStore(db, _time, new NodeIdentity("node-" + _nodes.Count)), new PostgresSendLog(db));
    }

    NewMessage Message(string id, IEnumerable<string> recipients) => new(
        new QueuedMessage(id, "alice@example.com", "s", 10, "alice@example.com", "127.0.0.1", "h", "submission", Now, "/spool/" + id),
        recipients.Select(r => new NewRecipient(r, r[(r.IndexOf('@') + 1)..], Route.Remote)).ToList());

    [Fact]
    public async Task Two_nodes_claiming_at_once_take_every_recipient_exactly_once()
    {
        var a = Node();
        var b = Node();
        for (var m = 0; m < 3; m++)
            await a.Queue.EnqueueAsync([Message($"000000000000NOD{m}", Enumerable.Range(0, 100).Select(i => $"r{i}@d{i % 9}.test"))], Now - TimeSpan.FromSeconds(1));

        async Task<List<long>> Drain(PostgresQueueStore queue)
        {
            var mine = new List<long>();
            for (var round = 0; round < 100; round++)
            {
                var work = await queue.ClaimDueAsync(Now, Now + Lease, 20);
                if (work.Count == 0)
                    break;
                mine.AddRange(work.SelectMany(w => w.Recipients).Select(r => r.Id));
            }
            return mine;
        }
        var claimed = await Task.WhenAll(Task.Run(() => Drain(a.Queue)), Task.Run(() => Drain(b.Queue)));

        Assert.Empty(claimed[0].Intersect(claimed[1]));
        Assert.Equal(300, claimed[0].Count + claimed[1].Count);
        Assert.Equal(300, claimed[0].Concat(claimed[1]).Distinct().Count());
        var delivering = await b.Log.EventsAsync(new EventQuery(Type: LifecycleEvents.Delivering, Limit: 1000));
        Assert.Equal(300, delivering.Count);
    }

    [Fact]
    public async Task A_claim_passes_over_rows_another_node_is_holding_instead_of_waiting()
    {
        var a = Node();
        var b = Node();
        await a.Queue.EnqueueAsync([Message("000000000000SKIP", Enumerable.Range(0, 10).Select(i => $"r{i}@skip.test"))], Now - TimeSpan.FromSeconds(1));

        // Node a is in the middle of a claim: it has locked the four most overdue rows and not committed yet.
        await using var connection = await a.Db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var lockRows = new NpgsqlCommand("SELECT id FROM recipients ORDER BY id LIMIT 4 FOR UPDATE", connection, transaction))
            await lockRows.ExecuteNonQueryAsync();

        var clock = Stopwatch.StartNew();
        var claim = b.Queue.ClaimDueAsync(Now, Now + Lease, 100);
        var finished = await Task.WhenAny(claim, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(finished == claim, "node b waited for node a's locked rows instead of passing over them");
        Assert.Equal(6, (await claim).Sum(w => w.Recipients.Count));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the claim took {clock.Elapsed}");

        await transaction.RollbackAsync();
        Assert.Equal(4, (await b.Queue.ClaimDueAsync(Now, Now + Lease, 100)).Sum(w => w.Recipients.Count));
    }

    [Fact]
    public async Task The_last_two_recipients_settled_on_two_nodes_at_once_complete_the_message_once()
    {
        var a = Node();
        var b = Node();
        var completions = 0;
        for (var m = 0; m < 20; m++)
        {
            var id = $"00000000000DONE{m % 10}" + (m / 10).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var queued = (await a.Queue.EnqueueAsync([Message(id, ["x@one.test", "y@two.test"])], Now + Lease))[0];
            DeliveryAttempt ok = new(Now, "direct", null, null, 250, "250 2.0.0 ok", null, TimeSpan.Zero);
            var done = await Task.WhenAll(
                Task.Run(() => a.Queue.RecordOutcomesAsync([new RecipientOutcome(queued[0], RecipientStatus.Delivered, ok, null)])),
                Task.Run(() => b.Queue.RecordOutcomesAsync([new RecipientOutcome(queued[1], RecipientStatus.Delivered, ok, null)])));
            // Exactly one of the two learns that the message is complete, so its spool file is removed once.
            Assert.Equal(1, done.Count(d => d.Completed.Contains(id)));
            completions += done.Sum(d => d.Completed.Count);
        }
        Assert.Equal(20, completions);
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
            node.Dispose();
        _database.Dispose();
    }
}
