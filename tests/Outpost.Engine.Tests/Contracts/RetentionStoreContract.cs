using Outpost.Engine.Policy;
using Outpost.Engine.Queue;
using Outpost.Engine.Retention;
using Outpost.Engine.Routing.Channels;
using Outpost.Engine.SendLog;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>
/// What every retention store must do, through <see cref="IRetentionStore"/> (and the stores whose rows it
/// ages out) alone: only settled messages leave the send log, whole, in batches that resume where they
/// stopped; other rows leave by age, a circuit still open never.
/// </summary>
public abstract class RetentionStoreContract : StoreContract
{
    IRetentionStore Store => Stores.Retention;

    async Task<QueuedRecipient> QueueAsync(string id)
    {
        var message = new QueuedMessage(id, "al@a.example", "s", 10, "al@a.example", "127.0.0.1", "h", "submission", Now, "/spool/" + id);
        return (await Stores.Queue.EnqueueAsync([new NewMessage(message, [new NewRecipient("x@remote.test", "remote.test", Route.Remote)])], Now))[0][0];
    }

    Task DeliverAsync(QueuedRecipient r) =>
        Stores.Queue.RecordOutcomesAsync([RecipientTransitions.Delivered(r, new DeliveryAttempt(Now, "direct", null, null, 250, "250 ok", null, TimeSpan.Zero))]);

    [Fact]
    public async Task Only_settled_messages_leave_the_send_log_whole_and_batches_resume_where_they_stopped()
    {
        await DeliverAsync(await QueueAsync("M0000000000000001"));
        Time.Advance(TimeSpan.FromSeconds(1));
        await QueueAsync("M0000000000000002");
        Time.Advance(TimeSpan.FromSeconds(1));
        await DeliverAsync(await QueueAsync("M0000000000000003"));
        Time.Advance(TimeSpan.FromSeconds(1));
        await DeliverAsync(await QueueAsync("M0000000000000004"));
        var cutoff = Now - TimeSpan.FromMilliseconds(500);
        // Changed at the cutoff or after: not settled yet, though final.
        Assert.Equal(new MessageRows(2, 2, 2, 0), await Store.CountSendLogAsync(cutoff));
        Assert.Equal(["M0000000000000002", "M0000000000000004"], (await Store.UnsettledAsync(["M0000000000000001", "M0000000000000002", "M0000000000000004"], cutoff))
            .Order(StringComparer.Ordinal));

        // A batch of 3 rows: the first message (3 rows) fills it, and the next batch goes on after it.
        var first = await Store.PurgeSendLogAsync(cutoff, null, 3);
        Assert.Equal(new MessageRows(1, 1, 1, 0), first.Removed);
        Assert.Equal("M0000000000000001", first.Next!.MessageId);
        // The rest: the open message passed over, the third taken, and the scan short of a batch, so done.
        var second = await Store.PurgeSendLogAsync(cutoff, first.Next, 3);
        Assert.Equal((new MessageRows(1, 1, 1, 0), (PurgePosition?)null), (second.Removed, second.Next));
        var again = await Store.PurgeSendLogAsync(cutoff, null, 3);
        Assert.Equal((default(MessageRows), (PurgePosition?)null), (again.Removed, again.Next));

        Assert.Null(await Stores.Queue.GetMessageAsync("M0000000000000001"));
        Assert.Null(await Stores.Log.GetReportAsync("M0000000000000003"));
        Assert.NotNull(await Stores.Log.GetReportAsync("M0000000000000002"));
        Assert.NotNull(await Stores.Log.GetReportAsync("M0000000000000004"));
    }

    [Fact]
    public async Task Aged_rows_leave_by_age_in_batches_and_an_open_circuit_stays()
    {
        var old = Now;
        for (var i = 0; i < 3; i++)
            await Stores.Log.RecordRefusalAsync(new Refusal(old, "s" + i, "127.0.0.1", null, "al@a.example", null, "rcpt", 550, "550 no"));
        await Stores.Policy.AddViolationAsync(old, "al@a.example", "a.example", ContentClass.Marketing, null);
        await Stores.Channels.SaveHealthAsync(new ChannelHealth("eu-1", "closed.test", 1, "421", null, old));
        await Stores.Channels.SaveHealthAsync(new ChannelHealth("eu-1", "open.test", 5, "421", old + TimeSpan.FromDays(30), old));
        Time.Advance(TimeSpan.FromDays(10));
        await Stores.Log.RecordRefusalAsync(new Refusal(Now, "new", "127.0.0.1", null, "al@a.example", null, "rcpt", 550, "550 no"));
        var cutoff = Now - TimeSpan.FromDays(1);

        Assert.Equal(3, await Store.CountAsync(AgedRows.Refusals, cutoff));
        Assert.Equal(2, await Store.PurgeAsync(AgedRows.Refusals, cutoff, 2));
        Assert.Equal(1, await Store.PurgeAsync(AgedRows.Refusals, cutoff, 2));
        Assert.Equal(0, await Store.PurgeAsync(AgedRows.Refusals, cutoff, 2));
        Assert.Single(await Stores.Log.RefusalsAsync(null, 10));

        Assert.Equal(1, await Store.PurgeAsync(AgedRows.Violations, cutoff, 10));
        Assert.Equal(0, await Stores.Policy.CountViolationsAsync(null, null, old - TimeSpan.FromDays(1)));

        Assert.Equal(1, await Store.CountAsync(AgedRows.ChannelHealth, cutoff));
        Assert.Equal(1, await Store.PurgeAsync(AgedRows.ChannelHealth, cutoff, 10));
        Assert.Equal(["open.test"], (await Stores.Channels.HealthAsync()).Select(h => h.Destination));

        foreach (var kind in new[] { AgedRows.Events, AgedRows.IdempotencyKeys, AgedRows.WebhooksDelivered, AgedRows.WebhooksFailed })
            Assert.Equal(0, await Store.CountAsync(kind, cutoff));
    }
}
