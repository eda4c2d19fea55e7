using MimeKit;
using Outpost.Engine.Audit;
using Outpost.Engine.Operations;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;

namespace Outpost.Engine.Tests.Operations;

/// <summary>
/// An operator's actions on selections over the real engine and store: a dry run changes nothing, a
/// recipient under a delivery's lease is left alone and counted, deletes need a reason, a delete with a
/// bounce tells the sender, large actions go in batches, every action is audited with its counts, and
/// the summary counts what waits per destination and age.
/// </summary>
public sealed class QueueOperationsTests
{
    static QueueSelection Domain(string domain) => new() { Domain = domain };

    [Fact]
    public async Task A_dry_run_says_what_it_would_touch_and_changes_nothing()
    {
        await using var w = new OperationsWorld();
        var queued = await w.QueueAsync("alice@example.com", ["a@remote.test", "b@remote.test", "c@other.test"]);
        await w.DeferAsync(queued);
        var events = (await w.H.Log.EventsAsync(new EventQuery(Limit: 1000))).Count;

        var result = await w.RunAsync(QueueAction.Delete, Domain("remote.test"), "spam run", dryRun: true);
        Assert.Equal((true, 2, 2, 0, (long?)null), (result.Done, result.Matched, result.Touched, result.Skipped, result.AuditId));
        Assert.Equal("A dry run: 2 recipient(s) of domain=remote.test would be deleted; nothing was changed.", result.Sentence);
        foreach (var r in queued)
            Assert.Equal(RecipientStatus.Deferred, await w.StatusAsync(r));
        Assert.Equal(events, (await w.H.Log.EventsAsync(new EventQuery(Limit: 1000))).Count);
        Assert.Empty(await w.Audit.ListAsync(new AuditQuery()));
        Assert.Empty(w.Queue.Batches);
        Assert.True(File.Exists(w.H.Spool.PathFor(queued[0].MessageId)));
    }

    [Fact]
    public async Task Recipients_being_delivered_are_left_alone_and_counted_as_skipped()
    {
        await using var w = new OperationsWorld();
        var fresh = await w.QueueAsync("alice@example.com", ["fresh@remote.test"], leased: true);   // delivered under its enqueue lease
        var claimed = await w.QueueAsync("alice@example.com", ["claimed@remote.test"]);
        Assert.Single(await w.H.Queue.ClaimDueAsync(w.Now, w.Now + TimeSpan.FromMinutes(15), 1));      // the oldest: claimed, delivering
        var free = await w.QueueAsync("alice@example.com", ["free@remote.test"]);

        var result = await w.RunAsync(QueueAction.Hold, Domain("remote.test"), "looking into it");
        Assert.Equal((3, 1, 2), (result.Matched, result.Touched, result.Skipped));
        Assert.Equal("1 recipient(s) of domain=remote.test are held; 2 being delivered at this moment were left alone.", result.Sentence);
        Assert.Equal(RecipientStatus.Queued, await w.StatusAsync(fresh[0]));
        Assert.Equal(RecipientStatus.Delivering, await w.StatusAsync(claimed[0]));
        Assert.Equal(RecipientStatus.Held, await w.StatusAsync(free[0]));
        var line = Assert.Single(await w.Audit.ListAsync(new AuditQuery()));
        Assert.Equal(("anna", "cli", "hold", "domain=remote.test", "looking into it", 1, 2), (line.Actor, line.Via, line.Action, line.Target, line.Reason, line.Touched, line.Skipped));
        Assert.Equal(line.Id, result.AuditId);

        // When only deliveries hold what matches, nothing can be done yet and the answer says so.
        var again = await w.RunAsync(QueueAction.Delete, new QueueSelection { MessageId = fresh[0].MessageId }, "spam run");
        Assert.False(again.Done);
        Assert.Equal($"No recipient of message={fresh[0].MessageId} can be deleted now (1 being delivered at this moment; try again in a moment).", again.Sentence);

        // A lease that ran out (its node is gone) no longer protects a queued recipient.
        w.H.Time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(1, (await w.RunAsync(QueueAction.Delete, new QueueSelection { MessageId = fresh[0].MessageId }, "spam run")).Touched);
        Assert.Equal(RecipientStatus.Deleted, await w.StatusAsync(fresh[0]));
    }

    [Fact]
    public async Task An_action_is_refused_with_a_sentence_before_anything_happens()
    {
        await using var w = new OperationsWorld();
        var queued = await w.QueueAsync("alice@example.com", ["a@remote.test"]);

        var noReason = await w.RunAsync(QueueAction.Delete, Domain("remote.test"));
        Assert.Equal((true, "Say why the recipients are deleted: the reason is kept in the audit trail."), (noReason.Refused, noReason.Sentence));
        var bounce = await w.RunAsync(QueueAction.Bounce, Domain("remote.test"), "  ");
        Assert.Equal("Say why the recipients are deleted with a bounce: the reason is kept in the audit trail and quoted in the bounce.", bounce.Sentence);
        Assert.StartsWith("Say which recipients:", (await w.RunAsync(QueueAction.Hold, new QueueSelection())).Sentence);
        Assert.Equal("Give the reason in one line of at most 500 characters.", (await w.RunAsync(QueueAction.Hold, Domain("remote.test"), "a\nb")).Sentence);
        var nobody = await w.Operations.RunAsync(new QueueOperationRequest(QueueAction.Hold, Domain("remote.test"), new AuditActor("", AuditActor.Cli), null));
        Assert.Equal("Say who acts in one line of at most 200 characters.", nobody.Sentence);

        Assert.Empty(await w.Audit.ListAsync(new AuditQuery()));
        Assert.Equal(RecipientStatus.Queued, await w.StatusAsync(queued[0]));
    }

    [Fact]
    public async Task Hold_release_and_retry_move_recipients_and_their_events_carry_the_reason()
    {
        await using var w = new OperationsWorld();
        var queued = await w.QueueAsync("alice@example.com", ["a@remote.test", "b@remote.test"]);
        await w.DeferAsync([queued[0]]);

        Assert.Equal(2, (await w.RunAsync(QueueAction.Hold, Domain("remote.test"), "incident 42")).Touched);
        Assert.Empty(await w.H.Queue.ClaimDueAsync(w.Now + TimeSpan.FromHours(2), w.Now + TimeSpan.FromHours(3), 10));
        var held = (await w.H.Log.EventsAsync(new EventQuery(MessageId: queued[0].MessageId, Type: LifecycleEvents.Held))).ToList();
        Assert.Equal(2, held.Count);
        var hold = Assert.Single(await w.Audit.ListAsync(new AuditQuery()));
        Assert.All(held, e => Assert.Equal($"held by anna: incident 42 (audit {hold.Id})", e.Reason));

        var released = await w.RunAsync(QueueAction.Release, Domain("remote.test"));
        Assert.Equal("2 recipient(s) of domain=remote.test are released and will be tried now.", released.Sentence);
        // Back as they were before the hold, due at once: queued before a first try, deferred after one.
        Assert.Equal(RecipientStatus.Deferred, await w.StatusAsync(queued[0]));
        Assert.Equal(RecipientStatus.Queued, await w.StatusAsync(queued[1]));
        Assert.Equal(2, (await w.H.Queue.ClaimDueAsync(w.Now, w.Now + TimeSpan.FromMinutes(15), 10)).Sum(x => x.Recipients.Count));

        var again = await w.QueueAsync("alice@example.com", ["c@remote.test"]);
        await w.DeferAsync(again);
        var retried = await w.RunAsync(QueueAction.Retry, QueueSelection.Everything);
        Assert.Equal("1 deferred recipient(s) in the whole queue will be tried again now.", retried.Sentence);
        Assert.Single(await w.H.Queue.ClaimDueAsync(w.Now, w.Now + TimeSpan.FromMinutes(15), 10));
        Assert.Equal(["retry", "release", "hold"], (await w.Audit.ListAsync(new AuditQuery())).Select(e => e.Action));
    }

    [Fact]
    public async Task Mail_held_for_review_is_left_to_the_review_queue_by_every_action()
    {
        await using var w = new OperationsWorld();
        var reviewed = await w.QueueAsync("alice@example.com", ["r@remote.test"], review: true);
        var operatorHeld = await w.QueueAsync("alice@example.com", ["o@remote.test"]);
        Assert.Equal(1, (await w.RunAsync(QueueAction.Hold, QueueSelection.Everything, "incident")).Touched);

        var released = await w.RunAsync(QueueAction.Release, Domain("remote.test"));
        Assert.Equal((1, 1), (released.Touched, released.Skipped));
        Assert.Equal("1 recipient(s) of domain=remote.test are released and will be tried now; 1 held for review was left to the review queue (outpost review).", released.Sentence);
        Assert.Equal(RecipientStatus.Held, await w.StatusAsync(reviewed[0]));
        Assert.Equal(RecipientStatus.Queued, await w.StatusAsync(operatorHeld[0]));

        foreach (var action in new[] { QueueAction.Delete, QueueAction.Bounce })
        {
            var result = await w.RunAsync(action, new QueueSelection { MessageId = reviewed[0].MessageId }, "cleanup");
            Assert.Equal(0, result.Touched);
            Assert.Contains("held for review; decide it in the review queue (outpost review)", result.Sentence, StringComparison.Ordinal);
            Assert.Equal(RecipientStatus.Held, await w.StatusAsync(reviewed[0]));
        }
    }

    [Fact]
    public async Task A_delete_with_a_bounce_tells_the_sender_why_and_removes_the_finished_message()
    {
        await using var w = new OperationsWorld();
        await w.H.SeedAsync();
        var queued = await w.QueueAsync("alice@example.com", ["a@remote.test", "b@remote.test"]);
        await w.DeferAsync(queued);
        var bounce = await w.QueueAsync("", ["someone@remote.test"]);   // a bounce itself is never bounced

        var result = await w.RunAsync(QueueAction.Bounce, Domain("remote.test"), "a compromised account's spam run");
        Assert.Equal("3 recipient(s) of domain=remote.test are deleted and their senders get a bounce.", result.Sentence);
        Assert.Equal(RecipientStatus.Bounced, await w.StatusAsync(queued[0]));
        Assert.False(File.Exists(w.H.Spool.PathFor(queued[0].MessageId)));
        Assert.False(File.Exists(w.H.Spool.PathFor(bounce[0].MessageId)));

        // One notification, for both recipients, to alice's own mailbox (a hosted one), from <>.
        var work = Assert.Single(w.H.Dispatcher.Work);
        Assert.Equal(("", "alice@example.com"), (work.Message.Sender, work.Recipients.Single().Address));
        using var dsn = await MimeMessage.LoadAsync(work.Message.SpoolPath);
        var text = string.Join("\n", dsn.BodyParts.OfType<TextPart>().Select(p => p.Text));
        Assert.Contains("<a@remote.test>: Deleted by the operator: a compromised account's spam run", text);
        Assert.Contains("<b@remote.test>: Deleted by the operator: a compromised account's spam run", text);

        var events = await w.H.Log.EventsAsync(new EventQuery(MessageId: queued[0].MessageId, Type: LifecycleEvents.Bounced));
        Assert.All(events, e => Assert.Equal(("Deleted by the operator: a compromised account's spam run", $"deleted with a bounce by anna: a compromised account's spam run (audit {result.AuditId})"),
            (e.Reply!.Text, e.Reason)));
        var report = await w.H.Log.GetReportAsync(queued[0].MessageId);
        Assert.Equal("Deleted by the operator: a compromised account's spam run", report!.Recipients[0].LastReply);
    }

    [Fact]
    public async Task A_silent_delete_leaves_the_sender_untold_and_the_status_deleted()
    {
        await using var w = new OperationsWorld();
        await w.H.SeedAsync();
        var queued = await w.QueueAsync("alice@example.com", ["a@remote.test", "keep@other.test"]);
        await w.DeferAsync(queued);
        var result = await w.RunAsync(QueueAction.Delete, new QueueSelection { Sender = "@example.com", Domain = "remote.test" }, "wrong list");
        Assert.Equal("1 recipient(s) of domain=remote.test sender=@example.com are deleted; their senders are not told.", result.Sentence);
        Assert.Equal(RecipientStatus.Deleted, await w.StatusAsync(queued[0]));
        Assert.Equal(RecipientStatus.Deferred, await w.StatusAsync(queued[1]));
        Assert.Empty(w.H.Dispatcher.Work);
        Assert.True(File.Exists(w.H.Spool.PathFor(queued[0].MessageId)));   // another recipient still waits for it
        var line = Assert.Single(await w.Audit.ListAsync(new AuditQuery(Domain: "example.com")));
        Assert.Equal(("delete", "example.com", 1), (line.Action, line.Domain, line.Touched));
    }

    [Fact]
    public async Task A_large_delete_goes_in_batches_of_at_most_500_and_finishes_every_message()
    {
        await using var w = new OperationsWorld();
        var messages = new List<IReadOnlyList<QueuedRecipient>>();
        for (var m = 0; m < 16; m++)
            messages.Add(await w.QueueAsync($"sender{m}@example.com", Enumerable.Range(0, 100).Select(r => $"r{r}@d{m % 4}.test").ToArray()));

        var result = await w.RunAsync(QueueAction.Delete, QueueSelection.Everything, "a spam run");
        Assert.Equal((1600, 1600, 0), (result.Matched, result.Touched, result.Skipped));
        Assert.Equal([500, 500, 500, 100], w.Queue.Batches);
        Assert.All(messages, m => Assert.False(File.Exists(w.H.Spool.PathFor(m[0].MessageId))));
        Assert.Equal(1600, (await w.H.Log.EventsAsync(new EventQuery(Type: LifecycleEvents.Deleted, Limit: 10_000))).Count);
        Assert.Equal(1600, Assert.Single(await w.Audit.ListAsync(new AuditQuery())).Touched);
    }

    [Fact]
    public async Task A_channel_selects_what_would_go_through_it_and_local_is_hosted_mail()
    {
        await using var w = new OperationsWorld();
        var remote = await w.QueueAsync("alice@example.com", ["a@remote.test"]);
        var local = await w.QueueAsync("alice@example.com", ["bob@example.com"], route: Route.Local);

        Assert.Equal([remote[0].Id], (await w.Operations.ListAsync(new QueueSelection { Channel = "direct" }, 10)).Select(x => x.Recipient.Id));
        Assert.Equal([local[0].Id], (await w.Operations.ListAsync(new QueueSelection { Channel = "local" }, 10)).Select(x => x.Recipient.Id));
        Assert.Empty(await w.Operations.ListAsync(new QueueSelection { Channel = "eu-1" }, 10));
        Assert.Equal(1, (await w.RunAsync(QueueAction.Hold, new QueueSelection { Channel = "local" })).Touched);
        Assert.Equal(RecipientStatus.Queued, await w.StatusAsync(remote[0]));
    }

    [Fact]
    public async Task The_summary_counts_what_waits_per_destination_in_age_buckets()
    {
        await using var w = new OperationsWorld();
        await w.QueueAsync("alice@example.com", ["a@big.test", "b@big.test"], TimeSpan.FromMinutes(1));
        await w.QueueAsync("alice@example.com", ["c@big.test"], TimeSpan.FromMinutes(10));
        await w.QueueAsync("bob@other.test", ["d@big.test"], TimeSpan.FromHours(1));
        await w.QueueAsync("bob@other.test", ["e@small.test"], TimeSpan.FromHours(3));
        await w.QueueAsync("", ["f@small.test"], TimeSpan.FromHours(10));
        await w.QueueAsync("alice@example.com", ["g@tiny.test"], TimeSpan.FromDays(2));
        var old = await w.QueueAsync("alice@example.com", ["h@tiny.test"], TimeSpan.FromDays(5));
        await w.RunAsync(QueueAction.Hold, new QueueSelection { MessageId = old[0].MessageId });   // held ones wait too

        var summary = await w.Operations.SummaryAsync(new QueueSelection(), SummaryGrouping.Domain, top: 2);
        Assert.Equal(["<5m", "5-30m", "30m-2h", "2-8h", "8-24h", "1-3d", ">3d"], summary.Buckets);
        Assert.Equal(("TOTAL", 8), (summary.Total.Key, summary.Total.Total));
        Assert.Equal([2, 1, 1, 1, 1, 1, 1], summary.Total.Counts);
        Assert.Equal(["big.test 4: 2 1 1 0 0 0 0", "small.test 2: 0 0 0 1 1 0 0"], summary.Rows.Select(r => $"{r.Key} {r.Total}: {string.Join(' ', r.Counts)}"));
        Assert.Equal(1, summary.OtherKeys);

        var senders = await w.Operations.SummaryAsync(new QueueSelection(), SummaryGrouping.Sender, top: 10);
        Assert.Equal(["example.com 5", "other.test 2", "<> 1"], senders.Rows.Select(r => $"{r.Key} {r.Total}"));
        var channels = await w.Operations.SummaryAsync(new QueueSelection { OlderThan = TimeSpan.FromHours(1) }, SummaryGrouping.Channel, top: 10);
        Assert.Equal(["direct 5"], channels.Rows.Select(r => $"{r.Key} {r.Total}"));
    }
}
