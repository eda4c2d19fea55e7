using Outpost.Engine.Queue;
using Outpost.Engine.Review;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>
/// What every review store must do, through <see cref="IReviewStore"/> and the queue alone: a message held
/// for review lists with its held recipients; a decision is written once; releasing makes the held
/// recipients due at once, refusing bounces them with the refusal as their attempt, each change with its event.
/// </summary>
public abstract class ReviewStoreContract : StoreContract
{
    IReviewStore Store => Stores.Reviews;

    async Task<IReadOnlyList<QueuedRecipient>> HoldAsync(string id, TimeSpan ago, params (string Address, Route Route)[] recipients)
    {
        var message = new QueuedMessage(id, "al@a.example", "Sale " + id, 10, "al@a.example", "127.0.0.1", "h", "submission", Now - ago, "/spool/" + id);
        var item = new NewMessage(message, recipients.Select(r => new NewRecipient(r.Address, r.Address[(r.Address.IndexOf('@') + 1)..], r.Route)).ToList(),
            new ReviewHold("marketing", 0.7, "words: sale", "model-1"));
        // The review's time is the store's clock at enqueue.
        Time.Advance(TimeSpan.FromSeconds(1));
        return (await Stores.Queue.EnqueueAsync([item], Now + TimeSpan.FromMinutes(5)))[0];
    }

    [Fact]
    public async Task Held_messages_list_oldest_first_while_pending_and_newest_first_with_decided_ones()
    {
        await HoldAsync("M0000000000000001", TimeSpan.Zero, ("x@remote.test", Route.Remote), ("y@remote.test", Route.Remote), ("bo@a.example", Route.Local));
        await HoldAsync("M0000000000000002", TimeSpan.Zero, ("x@remote.test", Route.Remote));

        var first = await Store.GetAsync("M0000000000000001");
        Assert.NotNull(first);
        Assert.Equal(("al@a.example", "Sale M0000000000000001", "marketing", 0.7, "words: sale", "model-1", 2, (string?)null),
            (first.Sender, first.Subject, first.Label, first.Probability, first.Evidence, first.Model, first.HeldRecipients, first.Decision));
        Assert.Null(await Store.GetAsync("M0000000000000009"));
        Assert.Equal(["M0000000000000001", "M0000000000000002"], (await Store.ListAsync(pendingOnly: true, 10)).Select(r => r.MessageId));

        Assert.Equal(1, await Store.ReleaseAsync("M0000000000000002", "anna", "fine", Now));
        Assert.Equal(["M0000000000000001"], (await Store.ListAsync(pendingOnly: true, 10)).Select(r => r.MessageId));
        Assert.Equal(["M0000000000000002", "M0000000000000001"], (await Store.ListAsync(pendingOnly: false, 10)).Select(r => r.MessageId));
        Assert.Single(await Store.ListAsync(pendingOnly: false, 1));
    }

    [Fact]
    public async Task Releasing_makes_the_held_recipients_due_at_once_and_is_done_once()
    {
        await HoldAsync("M0000000000000001", TimeSpan.Zero, ("x@remote.test", Route.Remote), ("y@remote.test", Route.Remote));
        Time.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(2, await Store.ReleaseAsync("M0000000000000001", "anna", null, Now));
        Assert.Null(await Store.ReleaseAsync("M0000000000000001", "bo", null, Now));
        Assert.Null(await Store.RefuseAsync("M0000000000000001", "bo", "no", Attempt("550 5.7.1 refused after review")));
        Assert.Null(await Store.ReleaseAsync("M0000000000000009", "anna", null, Now));

        var decided = (await Store.GetAsync("M0000000000000001"))!;
        Assert.Equal(("released", "anna", Now, 0), (decided.Decision, decided.DecidedBy, decided.DecidedAt, decided.HeldRecipients));
        var claimed = await Stores.Queue.ClaimDueAsync(Now, Now + TimeSpan.FromMinutes(5), 10);
        Assert.Equal(["x@remote.test", "y@remote.test"], claimed.SelectMany(w => w.Recipients).Select(r => r.Address).Order(StringComparer.Ordinal));
        var events = await Stores.Log.EventsAsync(new Outpost.Engine.SendLog.EventQuery(MessageId: "M0000000000000001"));
        Assert.Equal(2, events.Count(e => e.Type == LifecycleEvents.Released && e.From == RecipientStatus.Held));
    }

    [Fact]
    public async Task Refusing_bounces_the_held_recipients_with_the_refusal_and_says_when_the_message_is_complete()
    {
        var queued = await HoldAsync("M0000000000000001", TimeSpan.Zero, ("x@remote.test", Route.Remote), ("bo@a.example", Route.Local));
        await HoldAsync("M0000000000000002", TimeSpan.Zero, ("y@remote.test", Route.Remote));

        var refusal = Attempt("550 5.7.1 refused after review");
        var refused = await Store.RefuseAsync("M0000000000000001", "anna", "marketing", refusal);
        Assert.NotNull(refused);
        // The hosted recipient was never held and is still open, so the message is not complete.
        Assert.Equal(["x@remote.test"], refused.Value.Recipients.Select(r => r.Address));
        Assert.False(refused.Value.Completed);
        Assert.Equal(RecipientStatus.Held, refused.Value.Recipients[0].Status);

        var whole = await Store.RefuseAsync("M0000000000000002", "anna", "marketing", refusal);
        Assert.True(whole!.Value.Completed);

        var report = (await Stores.Log.GetReportAsync("M0000000000000001"))!;
        Assert.Equal([RecipientStatus.Bounced, queued[1].Status], report.Recipients.OrderBy(r => r.Id).Select(r => r.Status));
        Assert.Equal("550 5.7.1 refused after review", Assert.Single(report.Attempts).Attempt.Reply);
        var events = await Stores.Log.EventsAsync(new Outpost.Engine.SendLog.EventQuery(MessageId: "M0000000000000001"));
        Assert.Single(events, e => e.To == RecipientStatus.Bounced && e.Recipient == "x@remote.test");
        Assert.Equal("refused", (await Store.GetAsync("M0000000000000001"))!.Decision);
    }

    DeliveryAttempt Attempt(string reply) => new(Now, null, null, null, 550, reply, null, TimeSpan.Zero);
}
