using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;
using Outpost.Engine.Tests.Contracts;
using Outpost.Storage.Postgres;

namespace Outpost.Engine.Tests.Postgres;

/// <summary>
/// The events outbox under concurrent writers: a reader that keeps its place by id ("after the last one I
/// saw") must never skip an event, even one whose transaction began first and committed last.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresOutboxOrderTests(PostgresFixture fixture) : IDisposable
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

    NewMessage Message(string id, params string[] recipients) => new(
        new QueuedMessage(id, "alice@example.com", "s", 10, "alice@example.com", "127.0.0.1", "h", "submission", Now, "/spool/" + id),
        recipients.Select(r => new NewRecipient(r, r[(r.IndexOf('@') + 1)..], Route.Remote)).ToList());

    [Fact]
    public async Task An_event_whose_transaction_commits_last_is_not_skipped_by_a_reader_that_saw_a_later_one()
    {
        var a = Node();
        var b = Node();
        await b.Queue.EnqueueAsync([Message("00000000000RDER1", "x@order.test")], Now - TimeSpan.FromSeconds(1));
        var seen = (await b.Log.EventsAsync(new EventQuery())).ToList();
        Assert.Single(seen);

        // Node a writes an event in a transaction it keeps open (a slow commit, a paused process).
        await using var connection = await a.Db.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var slow = new EventOutbox();
        slow.Add(new PendingEvent("held", "00000000000RDER1", 0, "x@order.test", "queued", "held", "slow writer", null, null, null, 0, null, Now));
        await slow.FlushAsync(connection, transaction, CancellationToken.None);

        // Meanwhile node b changes the recipient and commits (or, with ids that do not follow commits, would).
        var queued = (await b.Queue.WaitingAsync(new QueueSelection { MessageId = "00000000000RDER1" }, Now, 0, 10)).Single().Recipient;
        var hold = Task.Run(async () => (await b.Queue.ApplyOperatorBatchAsync(
            new OperatorBatch(0, Now, [RecipientTransitions.Hold(queued, "held by an operator")], [], null, 0))).Changed.Count);
        await WaitUntilBlockedOrDoneAsync(hold);

        // A reader reads and keeps its place.
        seen.AddRange(await b.Log.EventsAsync(new EventQuery(AfterId: seen[^1].Id)));

        await transaction.CommitAsync();
        Assert.Equal(1, await hold);
        seen.AddRange(await b.Log.EventsAsync(new EventQuery(AfterId: seen[^1].Id)));

        // The reader saw all three events, in id order, each once, the slow writer's before node b's.
        Assert.Equal(["queued", "held slow writer", "held held by an operator"],
            seen.Select(e => e.Reason is null ? e.Type : $"{e.Type} {e.Reason}"));
        Assert.Equal(seen.Select(e => e.Id).Order(), seen.Select(e => e.Id));
        Assert.Equal([1L, 2L, 3L], seen.Select(e => e.Id));
    }

    [Fact]
    public async Task A_reader_polling_during_concurrent_writers_on_two_nodes_sees_every_event_once_in_order()
    {
        var nodes = new[] { Node(), Node() };
        const int writersPerNode = 3, rounds = 12, recipients = 3;
        var writers = nodes.SelectMany((node, n) => Enumerable.Range(0, writersPerNode).Select(w => Task.Run(async () =>
        {
            for (var round = 0; round < rounds; round++)
            {
                var id = $"W{n}{w}{round:D2}".PadRight(16, '0');
                var addresses = Enumerable.Range(0, recipients).Select(i => $"r{i}@w{n}{w}.test").ToArray();
                await node.Queue.EnqueueAsync([Message(id, addresses)], Now - TimeSpan.FromSeconds(1));
                // Claims may take other writers' recipients too: every claimed one gets its outcome.
                foreach (var work in await node.Queue.ClaimDueAsync(Now, Now + Lease, 10))
                    await node.Queue.RecordOutcomesAsync(work.Recipients.Select(r => new RecipientOutcome(r, RecipientStatus.Delivered,
                        new DeliveryAttempt(Now, "direct", null, null, 250, "250 2.0.0 ok", null, TimeSpan.Zero), null)).ToList());
            }
        }))).ToList();
        var allWritten = Task.WhenAll(writers);

        var read = new List<LifecycleEvent>();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            var done = allWritten.IsCompleted;
            var batch = await nodes[read.Count % 2].Log.EventsAsync(new EventQuery(AfterId: read.Count == 0 ? 0 : read[^1].Id, Limit: 50));
            read.AddRange(batch);
            if (done && batch.Count == 0)
                break;
        }
        await allWritten;
        // Whatever claims were left undelivered still wrote their events: the reader must have seen every row.
        var stored = await nodes[0].Log.EventsAsync(new EventQuery(Limit: 100_000));
        Assert.Equal(stored.Select(e => e.Id), read.Select(e => e.Id));
        Assert.Equal(read.Select(e => e.Id).Distinct().Count(), read.Count);
        Assert.True(read.Count >= 2 * writersPerNode * rounds * recipients, $"only {read.Count} events");
        // The counter hands out ids without gaps.
        Assert.Equal(Enumerable.Range(1, read.Count).Select(i => (long)i), read.Select(e => e.Id));
    }

    /// <summary>Until <paramref name="task"/> waits on a lock in this database, or finishes; at most ten seconds.</summary>
    async Task WaitUntilBlockedOrDoneAsync(Task task)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        for (var i = 0; i < 100 && !task.IsCompleted; i++)
        {
            await using var command = new NpgsqlCommand(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'", connection);
            if ((long)(await command.ExecuteScalarAsync())! > 0)
                return;
            await Task.Delay(100);
        }
    }

    public void Dispose()
    {
        foreach (var node in _nodes)
            node.Dispose();
        _database.Dispose();
    }
}
