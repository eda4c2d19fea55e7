using Outpost.Engine.Policy;
using Outpost.Engine.Queue;
using Outpost.Engine.Retention;
using Outpost.Engine.Routing.Channels;
using Outpost.Engine.SendLog;

namespace Outpost.Engine.Tests.Retention;

/// <summary>The deletes behind retention over a real SQLite file: what goes, what must stay, and batches.</summary>
public sealed class SqliteRetentionStoreTests : IDisposable
{
    static readonly TimeSpan Days90 = TimeSpan.FromDays(90);
    readonly RetentionWorld _w = new();

    async Task<MessageRows> PurgeAllAsync(DateTimeOffset before, int batchSize = 500)
    {
        var total = default(MessageRows);
        PurgePosition? position = null;
        do
        {
            var batch = await _w.Store.PurgeSendLogAsync(before, position, batchSize);
            total += batch.Removed;
            position = batch.Next;
        }
        while (position is not null);
        return total;
    }

    [Fact]
    public async Task Old_final_messages_go_with_their_recipients_attempts_and_review()
    {
        var mail = await _w.QueueAsync("a@remote.test", "b@remote.test");
        await _w.OutcomeAsync(RecipientStatus.Deferred, mail[1]);
        await _w.OutcomeAsync(RecipientStatus.Delivered, mail[0]);
        _w.Time.Advance(TimeSpan.FromHours(2));
        await _w.OutcomeAsync(RecipientStatus.Bounced, Assert.Single(await _w.ClaimAsync()));
        var refused = await _w.QueueAsync(["c@remote.test"], review: true);
        var attempt = new DeliveryAttempt(_w.Now, null, null, null, 550, "550 5.7.1 refused after review", null, TimeSpan.Zero);
        Assert.NotNull(await _w.Reviews.RefuseAsync(refused[0].MessageId, "anna", "marketing", attempt));

        _w.Time.Advance(TimeSpan.FromDays(91));
        var before = _w.Now - Days90;
        Assert.Equal(new MessageRows(2, 3, 4, 1), await _w.Store.CountSendLogAsync(before));
        Assert.Equal(new MessageRows(2, 3, 4, 1), await PurgeAllAsync(before));

        foreach (var table in new[] { "messages", "recipients", "attempts", "reviews" })
            Assert.Equal(0, _w.Rows(table));
        Assert.Null(await _w.Log.GetReportAsync(mail[0].MessageId));
    }

    [Fact]
    public async Task Open_messages_of_any_age_stay()
    {
        // Claimed and never finished (a crash): delivering, its lease long run out.
        var delivering = await _w.QueueAsync("delivering@remote.test");
        _w.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(RecipientStatus.Delivering, Assert.Single(await _w.ClaimAsync()).Status);
        var queued = await _w.QueueAsync("queued@remote.test");
        var deferred = await _w.QueueAsync("deferred@remote.test");
        await _w.OutcomeAsync(RecipientStatus.Deferred, deferred[0]);
        var held = await _w.QueueAsync("held@remote.test");
        _w.Time.Advance(TimeSpan.FromSeconds(1));   // past the lease it was queued with
        await _w.Queue.ApplyOperatorBatchAsync(new OperatorBatch(0, _w.Now, [RecipientTransitions.Hold(held[0], "held by an operator")], [], null, 0));
        var review = await _w.QueueAsync(["review@remote.test"], review: true);
        // One recipient final, the other still open: the message is open.
        var half = await _w.QueueAsync("done@remote.test", "waiting@remote.test");
        await _w.OutcomeAsync(RecipientStatus.Delivered, half[0]);
        await _w.OutcomeAsync(RecipientStatus.Deferred, half[1]);

        _w.Time.Advance(TimeSpan.FromDays(600));

        var before = _w.Now - Days90;
        Assert.Equal(default, await _w.Store.CountSendLogAsync(before));
        Assert.Equal(default, await PurgeAllAsync(before));
        foreach (var id in new[] { queued, deferred, delivering, held, review, half }.Select(m => m[0].MessageId))
            Assert.True(_w.Exists(id), id);
        Assert.Equal(7, _w.Rows("recipients"));
        Assert.Equal(1, _w.Rows("reviews"));
    }

    [Fact]
    public async Task Young_final_messages_stay_and_so_does_an_old_one_that_finished_lately()
    {
        var late = await _w.QueueAsync(["late@remote.test"], review: true);
        _w.Time.Advance(TimeSpan.FromDays(60));
        var young = await _w.QueueAsync("young@remote.test");
        await _w.OutcomeAsync(RecipientStatus.Delivered, young[0]);
        // Held for review for 95 days, then released and delivered: 96 days old, but final for a day only.
        _w.Time.Advance(TimeSpan.FromDays(35));
        Assert.Equal(1, await _w.Reviews.ReleaseAsync(late[0].MessageId, "anna", null, _w.Now));
        await _w.OutcomeAsync(RecipientStatus.Delivered, late[0] with { Status = RecipientStatus.Queued });
        _w.Time.Advance(TimeSpan.FromDays(1));

        Assert.Equal(default, await PurgeAllAsync(_w.Now - Days90));
        Assert.True(_w.Exists(young[0].MessageId));
        Assert.True(_w.Exists(late[0].MessageId));

        // Once their last change is 90 days behind, both go.
        _w.Time.Advance(Days90);
        Assert.Equal(2, (await PurgeAllAsync(_w.Now - Days90)).Messages);
        Assert.False(_w.Exists(late[0].MessageId));
    }

    [Fact]
    public async Task A_batch_stops_near_its_size_and_the_next_goes_on_after_it()
    {
        // Twelve messages of 3 rows each (message, recipient, attempt), all at the same moment, so the
        // position has to tell them apart by id.
        for (var i = 0; i < 12; i++)
            await _w.OutcomeAsync(RecipientStatus.Delivered, (await _w.QueueAsync($"r{i}@remote.test"))[0]);
        _w.Time.Advance(TimeSpan.FromDays(100));
        var before = _w.Now - Days90;

        var first = await _w.Store.PurgeSendLogAsync(before, null, 10);
        // 3 messages make 9 rows, under 10; the fourth takes it to 12 and ends the batch.
        Assert.Equal(new MessageRows(4, 4, 4, 0), first.Removed);
        Assert.NotNull(first.Next);
        var rest = await PurgeAllAsync(before, 10);
        Assert.Equal(8, rest.Messages);
        Assert.Equal(0, _w.Rows("messages"));
    }

    [Fact]
    public async Task Old_open_messages_in_front_do_not_stall_the_batches()
    {
        var open = new List<string>();
        for (var i = 0; i < 3; i++)
            open.Add((await _w.QueueAsync($"open{i}@remote.test"))[0].MessageId);
        _w.Time.Advance(TimeSpan.FromMinutes(1));
        for (var i = 0; i < 5; i++)
            await _w.OutcomeAsync(RecipientStatus.Bounced, (await _w.QueueAsync($"gone{i}@remote.test"))[0]);
        _w.Time.Advance(TimeSpan.FromDays(100));

        // A batch looks at 2 messages at most: the first two batches find only open ones and must still move on.
        var batches = 0;
        var total = default(MessageRows);
        PurgePosition? position = null;
        do
        {
            var batch = await _w.Store.PurgeSendLogAsync(_w.Now - Days90, position, 2);
            total += batch.Removed;
            position = batch.Next;
            batches++;
        }
        while (position is not null && batches < 20);
        Assert.Null(position);
        Assert.Equal(5, total.Messages);
        Assert.All(open, id => Assert.True(_w.Exists(id)));
        Assert.Equal(3, _w.Rows("messages"));
    }

    [Fact]
    public async Task Refusals_go_by_age_in_batches()
    {
        var now = _w.Now;
        await _w.AddRefusalsAsync(1200, now - TimeSpan.FromDays(31));
        await _w.Log.RecordRefusalAsync(new Refusal(now - TimeSpan.FromDays(29), "s2", "127.0.0.1", null, "y@example.com", null, "rcpt", 550, "550 5.7.1 no"));

        var before = now - TimeSpan.FromDays(30);
        Assert.Equal(1200, await _w.Store.CountAsync(AgedRows.Refusals, before));
        Assert.Equal(500, await _w.Store.PurgeAsync(AgedRows.Refusals, before, 500));
        Assert.Equal(500, await _w.Store.PurgeAsync(AgedRows.Refusals, before, 500));
        Assert.Equal(200, await _w.Store.PurgeAsync(AgedRows.Refusals, before, 500));
        Assert.Equal(0, await _w.Store.PurgeAsync(AgedRows.Refusals, before, 500));
        var left = Assert.Single(await _w.Log.RefusalsAsync(null, 10));
        Assert.Equal("s2", left.SessionId);
    }

    [Fact]
    public async Task Old_events_go_in_id_order_and_young_ones_stay()
    {
        // Each queued recipient writes its "queued" event now; the clock then moves on and more are written.
        await _w.QueueAsync("a@x.test", "b@x.test");
        _w.Time.Advance(TimeSpan.FromDays(31));
        await _w.QueueAsync("c@x.test");
        var before = _w.Now - TimeSpan.FromDays(30);
        Assert.Equal(2, await _w.Store.CountAsync(AgedRows.Events, before));
        Assert.Equal(1, await _w.Store.PurgeAsync(AgedRows.Events, before, 1));
        Assert.Equal(1, await _w.Store.PurgeAsync(AgedRows.Events, before, 1));
        Assert.Equal(0, await _w.Store.PurgeAsync(AgedRows.Events, before, 1));
        var left = Assert.Single(await _w.Log.EventsAsync(new Outpost.Engine.SendLog.EventQuery()));
        Assert.Equal("c@x.test", left.Recipient);
    }

    [Fact]
    public async Task Idempotency_keys_older_than_the_cutoff_go_in_batches_and_young_ones_stay()
    {
        var keys = new Outpost.Storage.Sqlite.SqliteIdempotencyStore(_w.Db);
        await keys.TryInsertAsync("key:a", "k1", "h", "t1", _w.Now - TimeSpan.FromDays(3));
        await keys.TryInsertAsync("key:a", "k2", "h", "t2", _w.Now - TimeSpan.FromHours(25));
        await keys.TryInsertAsync("key:a", "k3", "h", "t3", _w.Now - TimeSpan.FromHours(23));
        var before = _w.Now - TimeSpan.FromHours(24);
        Assert.Equal(2, await _w.Store.CountAsync(AgedRows.IdempotencyKeys, before));
        Assert.Equal(1, await _w.Store.PurgeAsync(AgedRows.IdempotencyKeys, before, 1));
        Assert.Equal(1, await _w.Store.PurgeAsync(AgedRows.IdempotencyKeys, before, 1));
        Assert.Equal(0, await _w.Store.PurgeAsync(AgedRows.IdempotencyKeys, before, 1));
        Assert.NotNull(await keys.FindAsync("key:a", "k3"));
        Assert.Equal(1, _w.Rows("idempotency_keys"));
    }

    [Fact]
    public async Task Channel_health_goes_when_stale_but_never_while_cooling_down()
    {
        var now = _w.Now;
        await _w.Channels.SaveHealthAsync(new ChannelHealth("eu-1", "stale.test", 0, null, null, now - TimeSpan.FromDays(40)));
        await _w.Channels.SaveHealthAsync(new ChannelHealth("eu-1", "fresh.test", 2, "421 busy", null, now - TimeSpan.FromDays(2)));
        await _w.Channels.SaveHealthAsync(new ChannelHealth("eu-1", "*", 9, "cannot bind", now + TimeSpan.FromDays(1), now - TimeSpan.FromDays(40)));

        var before = now - TimeSpan.FromDays(30);
        Assert.Equal(1, await _w.Store.CountAsync(AgedRows.ChannelHealth, before));
        Assert.Equal(1, await _w.Store.PurgeAsync(AgedRows.ChannelHealth, before, 500));
        Assert.Equal(["*", "fresh.test"], (await _w.Channels.HealthAsync()).Select(h => h.Destination).Order().ToArray());
    }

    [Fact]
    public async Task Violations_go_by_age()
    {
        await _w.Policy.AddViolationAsync(_w.Now - TimeSpan.FromDays(40), "alice@example.com", "example.com", ContentClass.Marketing, "Sale");
        await _w.Policy.AddViolationAsync(_w.Now - TimeSpan.FromDays(2), "alice@example.com", "example.com", ContentClass.Marketing, "Sale");
        Assert.Equal(1, await _w.Store.PurgeAsync(AgedRows.Violations, _w.Now - TimeSpan.FromDays(30), 500));
        Assert.Equal(1, await _w.Policy.CountViolationsAsync("alice@example.com", null, DateTimeOffset.MinValue));
    }

    [Fact]
    public async Task Unsettled_names_open_and_lately_finished_messages_but_not_old_final_or_unknown_ones()
    {
        var open = await _w.QueueAsync("open@remote.test");
        var held = await _w.QueueAsync(["held@remote.test"], review: true);
        var old = await _w.QueueAsync("old@remote.test");
        await _w.OutcomeAsync(RecipientStatus.Delivered, old[0]);
        _w.Time.Advance(TimeSpan.FromHours(2));
        var lately = await _w.QueueAsync("lately@remote.test");
        await _w.OutcomeAsync(RecipientStatus.Bounced, lately[0]);

        var ids = new[] { open, held, old, lately }.Select(m => m[0].MessageId).Append("0000000000ZZZZZZ").ToList();
        var unsettled = await _w.Store.UnsettledAsync(ids, _w.Now - TimeSpan.FromHours(1));
        Assert.Equal(new[] { open[0].MessageId, held[0].MessageId, lately[0].MessageId }.Order(), unsettled.Order());
    }

    public void Dispose() => _w.Dispose();
}
