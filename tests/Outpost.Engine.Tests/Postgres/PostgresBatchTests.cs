using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;
using Outpost.Engine.Tests.Contracts;
using Outpost.Storage.Postgres;

namespace Outpost.Engine.Tests.Postgres;

/// <summary>Batches larger than one round trip holds: split into several, with every id and every change where it belongs.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBatchTests(PostgresFixture fixture) : IDisposable
{
    readonly FakeTimeProvider _time = StoreSet.NewClock();
    readonly TestDatabase _database = fixture.NewDatabase();
    PostgresDatabase? _db;

    [Fact]
    public async Task A_group_commit_of_many_recipients_keeps_every_id_with_its_address_and_every_outcome_with_its_recipient()
    {
        _db = PostgresDatabase.Open(_database.ConnectionString);
        var queue = new PostgresQueueStore(_db, _time, new NodeIdentity("node-a"));
        var log = new PostgresSendLog(_db);
        var now = _time.GetUtcNow();
        var batch = Enumerable.Range(0, 3).Select(m => new NewMessage(
            new QueuedMessage($"00000000000BIG{m:D2}", "alice@example.com", "s", 10, null, null, null, "submission", now, "/spool/" + m),
            Enumerable.Range(0, 400).Select(i => new NewRecipient($"r{i}.m{m}@big{i % 5}.test", $"big{i % 5}.test", Route.Remote)).ToList())).ToList();

        var queued = await queue.EnqueueAsync(batch, now + TimeSpan.FromMinutes(15));
        Assert.Equal([400, 400, 400], queued.Select(q => q.Count));
        for (var m = 0; m < 3; m++)
        {
            var stored = (await log.GetReportAsync(batch[m].Message.Id))!.Recipients.ToDictionary(r => r.Id, r => r.Address);
            Assert.All(queued[m], r => Assert.Equal(stored[r.Id], r.Address));
        }

        // 1,200 outcomes: delivered for even recipients, deferred for odd ones, each to its own row.
        var ok = new DeliveryAttempt(now, "direct", null, null, 250, "250 2.0.0 ok", null, TimeSpan.Zero);
        var later = new DeliveryAttempt(now, "direct", null, null, 451, "451 4.7.1 later", null, TimeSpan.Zero);
        var outcomes = queued.SelectMany(q => q).Select((r, i) => i % 2 == 0
            ? new RecipientOutcome(r, RecipientStatus.Delivered, ok, null)
            : new RecipientOutcome(r, RecipientStatus.Deferred, later, now + TimeSpan.FromMinutes(5))).ToList();
        Assert.Empty((await queue.RecordOutcomesAsync(outcomes)).Completed);
        foreach (var m in batch)
        {
            var report = (await log.GetReportAsync(m.Message.Id))!;
            Assert.Equal(400, report.Attempts.Count);
            Assert.All(report.Recipients, r => Assert.Equal(
                int.Parse(r.Address[1..r.Address.IndexOf('.')], System.Globalization.CultureInfo.InvariantCulture) % 2 == 0 ? RecipientStatus.Delivered : RecipientStatus.Deferred,
                r.Status));
        }
        var events = await log.EventsAsync(new EventQuery(Limit: 10_000));
        Assert.Equal(2400, events.Count);
        Assert.Equal(600, events.Count(e => e.Type == LifecycleEvents.Delivered));
        Assert.Equal(Enumerable.Range(1, 2400).Select(i => (long)i), events.Select(e => e.Id));
    }

    public void Dispose()
    {
        _db?.Dispose();
        _database.Dispose();
    }
}
