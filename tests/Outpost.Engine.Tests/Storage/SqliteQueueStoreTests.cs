using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Queue;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Storage;

public sealed class SqliteQueueStoreTests : IDisposable
{
    readonly TempDirectory _dir = new();
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
    readonly SqliteDatabase _db;
    readonly SqliteQueueStore _queue;

    public SqliteQueueStoreTests()
    {
        _db = new SqliteDatabase(Path.Combine(_dir.Path, "outpost.db"));
        _queue = new SqliteQueueStore(_db, _time);
    }

    NewMessage Message(string id, params string[] recipients) => new(
        new QueuedMessage(id, "alice@example.com", "s", 10, "alice@example.com", "127.0.0.1", "h", "submission", _time.GetUtcNow(), "/spool/" + id),
        recipients.Select(r => new NewRecipient(r, r[(r.IndexOf('@') + 1)..], Route.Remote)).ToList());

    DeliveryAttempt Attempt(string reply) => new(_time.GetUtcNow(), "direct", null, null, int.Parse(reply[..3], System.Globalization.CultureInfo.InvariantCulture), reply, null, TimeSpan.Zero);

    [Fact]
    public async Task Enqueued_work_is_leased_and_not_claimed_twice_until_the_lease_is_released()
    {
        var now = _time.GetUtcNow();
        var queued = await _queue.EnqueueAsync([Message("0000000000AAAAAA", "a@x.test", "b@x.test", "c@y.test")], now + TimeSpan.FromMinutes(15));
        Assert.Equal(3, queued[0].Count);
        Assert.Empty(await _queue.ClaimDueAsync(now, now + TimeSpan.FromMinutes(15), 100));

        Assert.Equal(3, await _queue.ReleaseAllLeasesAsync());
        var work = await _queue.ClaimDueAsync(now, now + TimeSpan.FromMinutes(15), 100);
        Assert.Equal(2, work.Count); // grouped by domain: x.test and y.test
        Assert.Equal(2, work.Single(w => w.Recipients[0].Domain == "x.test").Recipients.Count);
        Assert.All(work.SelectMany(w => w.Recipients), r => Assert.Equal(RecipientStatus.Delivering, r.Status));
        Assert.Empty(await _queue.ClaimDueAsync(now, now + TimeSpan.FromMinutes(15), 100));

        // A lease that runs out (a crashed node) makes the work claimable again.
        _time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(3, (await _queue.ClaimDueAsync(_time.GetUtcNow(), _time.GetUtcNow() + TimeSpan.FromMinutes(15), 100)).Sum(w => w.Recipients.Count));
    }

    [Fact]
    public async Task Outcomes_update_state_and_report_completed_messages()
    {
        var now = _time.GetUtcNow();
        var queued = (await _queue.EnqueueAsync([Message("0000000000BBBBBB", "a@x.test", "b@x.test")], now))[0];
        var later = now + TimeSpan.FromMinutes(5);
        var completed = await _queue.RecordOutcomesAsync(
        [
            new RecipientOutcome(queued[0], RecipientStatus.Delivered, Attempt("250 ok"), null),
            new RecipientOutcome(queued[1], RecipientStatus.Deferred, Attempt("451 later"), later),
        ]);
        Assert.Empty(completed);
        Assert.Equal(later, await _queue.NextDueAsync());
        Assert.Empty(await _queue.ClaimDueAsync(now, now, 10));
        var claimed = Assert.Single(await _queue.ClaimDueAsync(later, later, 10)).Recipients.Single();

        // The outcome of the claimed recipient (delivering), as the delivery that claimed it reports it.
        completed = await _queue.RecordOutcomesAsync([new RecipientOutcome(claimed, RecipientStatus.Bounced, Attempt("550 no"), null)]);
        Assert.Equal(["0000000000BBBBBB"], completed);
        Assert.Empty(await _queue.ListOpenAsync(10));
    }

    [Fact]
    public async Task Retry_now_makes_deferred_recipients_due()
    {
        var now = _time.GetUtcNow();
        var queued = (await _queue.EnqueueAsync([Message("0000000000CCCCCC", "a@x.test")], now))[0];
        await _queue.RecordOutcomesAsync([new RecipientOutcome(queued[0], RecipientStatus.Deferred, Attempt("451 later"), now + TimeSpan.FromHours(1))]);
        Assert.Empty(await _queue.ClaimDueAsync(now, now, 10));
        Assert.Equal(1, await _queue.RetryNowAsync("0000000000CCCCCC", now));
        Assert.Single(await _queue.ClaimDueAsync(now, now, 10));
        Assert.Equal(0, await _queue.RetryNowAsync("0000000000DDDDDD", now));
    }

    [Fact]
    public async Task Every_status_change_writes_exactly_one_event_in_order()
    {
        var log = new SqliteSendLog(_db);
        var now = _time.GetUtcNow();
        var queued = (await _queue.EnqueueAsync([Message("0000000000EEEEEE", "a@x.test", "b@x.test")], now + TimeSpan.FromMinutes(15)))[0];
        await _queue.RecordOutcomesAsync(
        [
            new RecipientOutcome(queued[0], RecipientStatus.Delivered, Attempt("250 2.0.0 ok"), null),
            new RecipientOutcome(queued[1], RecipientStatus.Deferred, Attempt("451 4.7.1 greylisted"), now),
        ]);
        var deferred = await _queue.ClaimDueAsync(now, now + TimeSpan.FromMinutes(15), 10);
        await _queue.ReleaseAllLeasesAsync();                      // delivering -> deferred (it had an attempt)
        Assert.Equal(1, await _queue.HoldAsync("0000000000EEEEEE", now));
        Assert.Equal(1, await _queue.ReleaseAsync("0000000000EEEEEE", now));
        Assert.Equal(0, await _queue.ReleaseAsync("0000000000EEEEEE", now)); // nothing held: no change, no event

        var events = await log.EventsAsync(new SendLog.EventQuery(MessageId: "0000000000EEEEEE"));
        Assert.Equal(
            ["queued a@x.test", "queued b@x.test", "delivered a@x.test", "deferred b@x.test", "delivering b@x.test", "requeued b@x.test", "held b@x.test", "released b@x.test"],
            events.Select(e => $"{e.Type} {e.Recipient}"));
        Assert.Equal(events.Select(e => e.Id).Order(), events.Select(e => e.Id));
        var delivered = events[2];
        Assert.Equal((RecipientStatus.Queued, RecipientStatus.Delivered, 1, "direct"), (delivered.From!.Value, delivered.To, delivered.Attempt, delivered.Channel));
        Assert.Equal(new RemoteReply(250, "2.0.0", "250 2.0.0 ok"), delivered.Reply);
        Assert.Equal((RecipientStatus.Deferred, RecipientStatus.Held), (events[6].From!.Value, events[6].To));
        Assert.Single(deferred);
    }

    [Fact]
    public async Task An_outcome_for_a_recipient_that_moved_on_changes_nothing_and_emits_no_event()
    {
        var log = new SqliteSendLog(_db);
        var now = _time.GetUtcNow();
        var queued = (await _queue.EnqueueAsync([Message("0000000000FFFFFF", "a@x.test")], now))[0];
        await _queue.RecordOutcomesAsync([new RecipientOutcome(queued[0], RecipientStatus.Bounced, Attempt("550 5.1.1 unknown"), null)]);
        // The same outcome again, from a recipient value that still says "queued": the store refuses the change.
        await _queue.RecordOutcomesAsync([new RecipientOutcome(queued[0], RecipientStatus.Delivered, Attempt("250 ok"), null)]);
        var events = await log.EventsAsync(new SendLog.EventQuery(MessageId: "0000000000FFFFFF"));
        Assert.Equal(["queued", "bounced"], events.Select(e => e.Type));
        var report = await log.GetReportAsync("0000000000FFFFFF");
        Assert.Equal(RecipientStatus.Bounced, report!.Recipients.Single().Status);
        Assert.Equal(2, report.Attempts.Count); // both tries happened and are in the log
    }

    [Fact]
    public void Migrations_run_once()
    {
        static long Applied(SqliteDatabase db)
        {
            using var c = db.OpenRead();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM schema_migrations";
            return (long)cmd.ExecuteScalar()!;
        }
        var first = Applied(_db);
        Assert.True(first >= 2);
        _db.Dispose();
        using var again = new SqliteDatabase(Path.Combine(_dir.Path, "outpost.db"));
        Assert.Equal(first, Applied(again));
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }
}
