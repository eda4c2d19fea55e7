using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Audit;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>
/// What every queue store must do, written against <see cref="IQueueStore"/> and <see cref="ISendLog"/>
/// alone: leases, claims, outcomes, holds, and exactly one event per status change in the same
/// transaction. A back end runs it by deriving a class that opens its <see cref="StoreSet"/>.
/// </summary>
public abstract class QueueStoreContract : IDisposable
{
    protected readonly FakeTimeProvider Time = StoreSet.NewClock();
    readonly Lazy<StoreSet> _stores;

    protected QueueStoreContract() => _stores = new(() => Open(Time));

    /// <summary>A fresh, empty set of stores of the back end under test, on <paramref name="time"/>.</summary>
    protected abstract StoreSet Open(TimeProvider time);

    IQueueStore Queue => _stores.Value.Queue;
    ISendLog Log => _stores.Value.Log;
    IAuditStore Audit => _stores.Value.Audit;
    DateTimeOffset Now => Time.GetUtcNow();
    static readonly TimeSpan Lease = TimeSpan.FromMinutes(15);

    NewMessage Message(string id, params string[] recipients) => new(
        new QueuedMessage(id, "alice@example.com", "s", 10, "alice@example.com", "127.0.0.1", "h", "submission", Now, "/spool/" + id),
        recipients.Select(r => new NewRecipient(r, r[(r.IndexOf('@') + 1)..], Route.Remote)).ToList());

    DeliveryAttempt Attempt(string reply) =>
        new(Now, "direct", null, null, int.Parse(reply[..3], CultureInfo.InvariantCulture), reply, null, TimeSpan.Zero);

    async Task<IReadOnlyList<QueuedRecipient>> QueueFreeAsync(NewMessage message)
    {
        // Enqueued work comes back leased to its submitter; a lease already over lets the delivery loop claim it.
        return (await Queue.EnqueueAsync([message], Now - TimeSpan.FromSeconds(1)))[0];
    }

    Task<IReadOnlyList<LifecycleEvent>> EventsAsync(string messageId) => Log.EventsAsync(new EventQuery(MessageId: messageId));

    Task<AuditEntry> AuditLineAsync(QueueAction action, string target) =>
        Audit.AddAsync(new AuditEntry(0, Now, "anna", AuditActor.Cli, QueueActions.Name(action), target, null, "the contract", 0, 0));

    /// <summary>
    /// An operator's action on one message through the store alone, as the engine drives it: an audit line,
    /// the waiting recipients the action reaches as read (a claimed one is not reached), one batch.
    /// </summary>
    async Task<int> OperateAsync(QueueAction action, string messageId)
    {
        var line = await AuditLineAsync(action, $"message={messageId}");
        var waiting = await Queue.WaitingAsync(new QueueSelection { MessageId = messageId }, Now, 0, 100);
        var changes = waiting.Select(w => w.Recipient).Where(r => RecipientTransitions.Applies(action, r.Status)).Select(r => action switch
        {
            QueueAction.Hold => RecipientTransitions.Hold(r, "held by anna"),
            QueueAction.Release => RecipientTransitions.Release(r, "released by anna"),
            _ => RecipientTransitions.RetryNow(r, "retried by anna"),
        }).ToList();
        var result = await Queue.ApplyOperatorBatchAsync(new OperatorBatch(line.Id, Now, changes, [], action == QueueAction.Hold ? null : Now, 0));
        return result.Changed.Count;
    }

    [Fact]
    public async Task Enqueued_work_is_leased_and_not_claimed_twice_until_the_lease_is_released()
    {
        var queued = await Queue.EnqueueAsync([Message("0000000000AAAAAA", "a@x.test", "b@x.test", "c@y.test")], Now + Lease);
        Assert.Equal(3, queued[0].Count);
        Assert.Empty(await Queue.ClaimDueAsync(Now, Now + Lease, 100));

        Assert.Equal(3, await Queue.ReleaseOwnLeasesAsync());
        var work = await Queue.ClaimDueAsync(Now, Now + Lease, 100);
        Assert.Equal(2, work.Count); // grouped by domain: x.test and y.test
        Assert.Equal(2, work.Single(w => w.Recipients[0].Domain == "x.test").Recipients.Count);
        Assert.All(work.SelectMany(w => w.Recipients), r => Assert.Equal(RecipientStatus.Delivering, r.Status));
        Assert.Empty(await Queue.ClaimDueAsync(Now, Now + Lease, 100));

        // A lease that runs out (a crashed node) makes the work claimable again.
        Time.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(3, (await Queue.ClaimDueAsync(Now, Now + Lease, 100)).Sum(w => w.Recipients.Count));
    }

    [Fact]
    public async Task Claims_that_race_never_hand_out_a_recipient_twice()
    {
        var addresses = Enumerable.Range(0, 60).Select(i => $"r{i}@d{i % 7}.test").ToArray();
        await QueueFreeAsync(Message("0000000000ABABAB", addresses));
        var claims = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => Queue.ClaimDueAsync(Now, Now + Lease, 15))));
        var ids = claims.SelectMany(c => c).SelectMany(w => w.Recipients).Select(r => r.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(60, ids.Count);
        Assert.Equal(60, (await Log.EventsAsync(new EventQuery(MessageId: "0000000000ABABAB", Type: LifecycleEvents.Delivering, Limit: 1000))).Count);
    }

    [Fact]
    public async Task A_claim_takes_at_most_its_limit_soonest_due_first()
    {
        await QueueFreeAsync(Message("0000000000ACACAC", "a@x.test", "b@x.test", "c@x.test"));
        var queued = (await QueueFreeAsync(Message("0000000000ADADAD", "d@x.test")))[0];
        // d is deferred to a minute ago, so it is the most overdue of all.
        await Queue.RecordOutcomesAsync([new RecipientOutcome(queued, RecipientStatus.Deferred, Attempt("451 4.7.1 later"), Now - TimeSpan.FromMinutes(1))]);
        var work = await Queue.ClaimDueAsync(Now, Now + Lease, 2);
        var claimed = work.SelectMany(w => w.Recipients).ToList();
        Assert.Equal(2, claimed.Count);
        Assert.Contains(claimed, r => r.Address == "d@x.test");
        Assert.Equal(2, (await Queue.ClaimDueAsync(Now, Now + Lease, 10)).Sum(w => w.Recipients.Count));
    }

    [Fact]
    public async Task Outcomes_update_state_and_report_completed_messages()
    {
        var queued = await QueueFreeAsync(Message("0000000000BBBBBB", "a@x.test", "b@x.test"));
        var later = Now + TimeSpan.FromMinutes(5);
        var completed = await Queue.RecordOutcomesAsync(
        [
            new RecipientOutcome(queued[0], RecipientStatus.Delivered, Attempt("250 ok"), null),
            new RecipientOutcome(queued[1], RecipientStatus.Deferred, Attempt("451 later"), later),
        ]);
        Assert.Empty(completed.Completed);
        Assert.Equal(later, await Queue.NextDueAsync());
        Assert.Empty(await Queue.ClaimDueAsync(Now, Now, 10));
        var claimed = Assert.Single(await Queue.ClaimDueAsync(later, later, 10)).Recipients.Single();

        // The outcome of the claimed recipient (delivering), as the delivery that claimed it reports it.
        completed = await Queue.RecordOutcomesAsync([new RecipientOutcome(claimed, RecipientStatus.Bounced, Attempt("550 no"), null)]);
        Assert.Equal(["0000000000BBBBBB"], completed.Completed);
        Assert.Empty(await Queue.ListOpenAsync(10));
        Assert.Null(await Queue.NextDueAsync());
    }

    [Fact]
    public async Task Retry_now_makes_deferred_recipients_due()
    {
        var queued = await QueueFreeAsync(Message("0000000000CCCCCC", "a@x.test"));
        await Queue.RecordOutcomesAsync([new RecipientOutcome(queued[0], RecipientStatus.Deferred, Attempt("451 later"), Now + TimeSpan.FromHours(1))]);
        Assert.Empty(await Queue.ClaimDueAsync(Now, Now, 10));
        Assert.Equal(1, await OperateAsync(QueueAction.Retry, "0000000000CCCCCC"));
        Assert.Single(await Queue.ClaimDueAsync(Now, Now, 10));
        Assert.Equal(0, await OperateAsync(QueueAction.Retry, "0000000000DDDDDD"));
        // Not a status change: no event beyond the two the message had.
        Assert.Equal([LifecycleEvents.Queued, LifecycleEvents.Deferred, LifecycleEvents.Delivering], (await EventsAsync("0000000000CCCCCC")).Select(e => e.Type));
    }

    [Fact]
    public async Task A_held_message_waits_outside_the_delivery_loop_until_released()
    {
        await Queue.EnqueueAsync([Message("0000000000CDCDCD", "a@x.test", "b@x.test")], Now + Lease);
        await Queue.ReleaseOwnLeasesAsync();
        Assert.Equal(2, await OperateAsync(QueueAction.Hold, "0000000000CDCDCD"));
        Assert.Empty(await Queue.ClaimDueAsync(Now, Now + Lease, 10));
        Assert.Equal(2, (await Queue.ListOpenAsync(10)).Count(r => r.Status == RecipientStatus.Held));
        var depth = await Queue.DepthAsync();
        Assert.Equal(2, depth["held"]);
        Assert.Equal(0, depth.GetValueOrDefault("queued"));

        Assert.Equal(2, await OperateAsync(QueueAction.Release, "0000000000CDCDCD"));
        Assert.Equal(2, (await Queue.ClaimDueAsync(Now, Now + Lease, 10)).Sum(w => w.Recipients.Count));
        // Recipients being delivered are not held under their delivery's feet.
        Assert.Equal(0, await OperateAsync(QueueAction.Hold, "0000000000CDCDCD"));
    }

    [Fact]
    public async Task A_message_held_for_review_starts_held_and_says_so_in_its_event()
    {
        var message = Message("0000000000CECECE", "a@x.test") with { Review = new ReviewHold("marketing", 0.7, "evidence", "test-model") };
        var queued = (await Queue.EnqueueAsync([message], Now))[0];
        Assert.Equal(RecipientStatus.Held, Assert.Single(queued).Status);
        Assert.Empty(await Queue.ClaimDueAsync(Now + Lease, Now + Lease, 10));
        Assert.Equal([LifecycleEvents.Held], (await EventsAsync("0000000000CECECE")).Select(e => e.Type));
    }

    [Fact]
    public async Task Failed_over_tries_are_attempts_without_a_status_change()
    {
        var queued = await QueueFreeAsync(Message("0000000000CFCFCF", "a@x.test"));
        await Queue.RecordTriesAsync([(queued[0], Attempt("421 4.3.2 first channel down"))]);
        await Queue.RecordOutcomesAsync([new RecipientOutcome(queued[0], RecipientStatus.Delivered, Attempt("250 2.0.0 ok"), null)]);
        var report = await Log.GetReportAsync("0000000000CFCFCF");
        Assert.Equal(2, report!.Attempts.Count);
        Assert.Equal([LifecycleEvents.Queued, LifecycleEvents.Delivered], (await EventsAsync("0000000000CFCFCF")).Select(e => e.Type));
    }

    [Fact]
    public async Task Every_status_change_writes_exactly_one_event_in_order()
    {
        var queued = (await Queue.EnqueueAsync([Message("0000000000EEEEEE", "a@x.test", "b@x.test")], Now + Lease))[0];
        await Queue.RecordOutcomesAsync(
        [
            new RecipientOutcome(queued[0], RecipientStatus.Delivered, Attempt("250 2.0.0 ok"), null),
            new RecipientOutcome(queued[1], RecipientStatus.Deferred, Attempt("451 4.7.1 greylisted"), Now),
        ]);
        var deferred = await Queue.ClaimDueAsync(Now, Now + Lease, 10);
        await Queue.ReleaseOwnLeasesAsync();                      // delivering -> deferred (it had an attempt)
        Assert.Equal(1, await OperateAsync(QueueAction.Hold, "0000000000EEEEEE"));
        Assert.Equal(1, await OperateAsync(QueueAction.Release, "0000000000EEEEEE"));
        Assert.Equal(0, await OperateAsync(QueueAction.Release, "0000000000EEEEEE")); // nothing held: no change, no event

        var events = await EventsAsync("0000000000EEEEEE");
        Assert.Equal(
            ["queued a@x.test", "queued b@x.test", "delivered a@x.test", "deferred b@x.test", "delivering b@x.test", "requeued b@x.test", "held b@x.test", "released b@x.test"],
            events.Select(e => $"{e.Type} {e.Recipient}"));
        Assert.Equal(events.Select(e => e.Id).Order(), events.Select(e => e.Id));
        var delivered = events[2];
        Assert.Equal((RecipientStatus.Queued, RecipientStatus.Delivered, 1, "direct"), (delivered.From!.Value, delivered.To, delivered.Attempt, delivered.Channel));
        Assert.Equal(new RemoteReply(250, "2.0.0", "250 2.0.0 ok"), delivered.Reply);
        Assert.Equal((RecipientStatus.Deferred, RecipientStatus.Held), (events[6].From!.Value, events[6].To));
        Assert.Single(deferred);

        // A reader that keeps its place by id sees only what came after.
        var after = await Log.EventsAsync(new EventQuery(AfterId: events[5].Id, MessageId: "0000000000EEEEEE"));
        Assert.Equal(["held", "released"], after.Select(e => e.Type));
    }

    [Fact]
    public async Task Every_event_carries_its_sender_and_a_refusals_recipients_have_events_without_a_message()
    {
        Assert.Equal(0, await Log.LatestEventIdAsync());
        var queued = await QueueFreeAsync(Message("0000000000D1D1D1", "a@x.test"));
        await Queue.RecordOutcomesAsync([new RecipientOutcome(queued[0], RecipientStatus.Delivered, Attempt("250 2.0.0 ok"), null)]);
        const string Reply = "550 5.1.1 <b@y.test> is suppressed since 2026-11-01: 550 5.1.1 user unknown";
        await Log.RecordRefusalAsync(new Refusal(Now, "s1", "127.0.0.1", "carol@other.test", "carol@other.test", "b@y.test", "rcpt", 550, Reply),
        [
            RecipientTransitions.Refused("carol@other.test", "b@y.test", 550, Reply, suppressed: true),
            RecipientTransitions.Refused("carol@other.test", "c@y.test", 550, Reply, suppressed: false),
        ]);

        var all = await Log.EventsAsync(new EventQuery());
        Assert.Equal(["queued", "delivered", "suppressed", "rejected"], all.Select(e => e.Type));
        Assert.Equal(all[^1].Id, await Log.LatestEventIdAsync());
        Assert.All(all.Take(2), e => Assert.Equal(("alice@example.com", "example.com", "0000000000D1D1D1"), (e.Sender, e.SenderDomain, e.MessageId)));
        var refused = all[2];
        Assert.Equal(("carol@other.test", "other.test", (string?)null, (long?)null, RecipientStatus.Rejected, (RecipientStatus?)null),
            (refused.Sender, refused.SenderDomain, refused.MessageId, refused.RecipientId, refused.To, refused.From));
        Assert.Equal(new RemoteReply(550, "5.1.1", Reply), refused.Reply);
        Assert.Single(await Log.RefusalsAsync(null, 10));

        // A reader of one sending domain, up to the newest id it saw.
        Assert.Equal(["suppressed", "rejected"], (await Log.EventsAsync(new EventQuery { SenderDomain = "other.test" })).Select(e => e.Type));
        Assert.Equal(["queued"], (await Log.EventsAsync(new EventQuery { SenderDomain = "example.com", UpTo = all[0].Id })).Select(e => e.Type));
    }

    [Fact]
    public async Task A_message_out_of_time_bounces_with_an_expired_event()
    {
        var queued = await QueueFreeAsync(Message("0000000000E1E1E1", "a@x.test"));
        var outcome = RecipientTransitions.Deferred(queued[0], Attempt("451 4.4.1 no answer"), retryAt: null, TimeSpan.FromDays(5));
        Assert.Equal(["0000000000E1E1E1"], (await Queue.RecordOutcomesAsync([outcome])).Completed);
        var last = (await EventsAsync("0000000000E1E1E1")).Last();
        Assert.Equal((LifecycleEvents.Expired, RecipientStatus.Bounced), (last.Type, last.To));
        Assert.StartsWith("Gave up after 5 days", last.Reply!.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_outcome_for_a_recipient_that_moved_on_changes_nothing_and_emits_no_event()
    {
        var queued = await QueueFreeAsync(Message("0000000000FFFFFF", "a@x.test"));
        await Queue.RecordOutcomesAsync([new RecipientOutcome(queued[0], RecipientStatus.Bounced, Attempt("550 5.1.1 unknown"), null)]);
        // The same outcome again, from a recipient value that still says "queued": the store refuses the change.
        await Queue.RecordOutcomesAsync([new RecipientOutcome(queued[0], RecipientStatus.Delivered, Attempt("250 ok"), null)]);
        var events = await EventsAsync("0000000000FFFFFF");
        Assert.Equal(["queued", "bounced"], events.Select(e => e.Type));
        var report = await Log.GetReportAsync("0000000000FFFFFF");
        Assert.Equal(RecipientStatus.Bounced, report!.Recipients.Single().Status);
        Assert.Equal(2, report.Attempts.Count); // both tries happened and are in the log
    }

    [Fact]
    public async Task Waiting_recipients_are_selected_by_their_stored_facts_in_id_order()
    {
        NewMessage From(string id, string sender, params string[] recipients) => Message(id, recipients) with
        {
            Message = Message(id).Message with { Sender = sender },
        };
        await QueueFreeAsync(From("0000000000G1G1G1", "alice@example.com", "a@x.test", "b@Y.test"));
        Time.Advance(TimeSpan.FromHours(3));
        await QueueFreeAsync(From("0000000000G2G2G2", "bob@other.test", "c@x.test"));
        await QueueFreeAsync(From("0000000000G3G3G3", "", "alice@example.com"));
        var done = await QueueFreeAsync(From("0000000000G4G4G4", "alice@example.com", "d@x.test"));
        await Queue.RecordOutcomesAsync([new RecipientOutcome(done[0], RecipientStatus.Delivered, Attempt("250 ok"), null)]);

        async Task<string[]> Select(QueueSelection selection) =>
            (await Queue.WaitingAsync(selection, Now, 0, 100)).Select(w => w.Recipient.Address).ToArray();
        Assert.Equal(["a@x.test", "b@Y.test", "c@x.test", "alice@example.com"], await Select(new QueueSelection()));   // never a final one
        Assert.Equal(["a@x.test", "c@x.test"], await Select(new QueueSelection { Domain = "x.test" }));
        Assert.Equal(["b@Y.test"], await Select(new QueueSelection { Domain = "y.test" }));
        Assert.Equal(["a@x.test", "b@Y.test"], await Select(new QueueSelection { Sender = "alice@example.com" }));
        Assert.Equal(["c@x.test"], await Select(new QueueSelection { Sender = "@other.test" }));
        Assert.Equal(["alice@example.com"], await Select(new QueueSelection { Sender = "" }));
        Assert.Equal(["c@x.test"], await Select(new QueueSelection { MessageId = "0000000000G2G2G2" }));
        Assert.Equal(["a@x.test", "b@Y.test"], await Select(new QueueSelection { OlderThan = TimeSpan.FromHours(2) }));
        Assert.Equal(["a@x.test", "b@Y.test", "c@x.test", "alice@example.com"], await Select(new QueueSelection { Status = RecipientStatus.Queued }));
        Assert.Empty(await Select(new QueueSelection { Status = RecipientStatus.Held }));

        // Pages follow on from the last id, and each carries what an operator selects by.
        var first = await Queue.WaitingAsync(new QueueSelection(), Now, 0, 3);
        var rest = await Queue.WaitingAsync(new QueueSelection(), Now, first[^1].Recipient.Id, 3);
        Assert.Equal(["alice@example.com"], rest.Select(w => w.Recipient.Address));
        Assert.Equal(("alice@example.com", Now - TimeSpan.FromHours(3), "example.com"), (first[0].Sender, first[0].ReceivedAt, first[0].SenderDomain));
        Assert.Equal("", rest[0].Sender);
    }

    [Fact]
    public async Task An_operator_change_leaves_a_leased_recipient_alone_and_counts_it_in_the_audit_line()
    {
        // Fresh mail is delivered under the lease it was queued with: an operator's hold must not take.
        var leased = (await Queue.EnqueueAsync([Message("0000000000H1H1H1", "a@x.test")], Now + Lease))[0][0];
        var line = await AuditLineAsync(QueueAction.Hold, "message=0000000000H1H1H1");
        var result = await Queue.ApplyOperatorBatchAsync(new OperatorBatch(line.Id, Now, [RecipientTransitions.Hold(leased, "held by anna")], [], null, Skipped: 2));
        Assert.Empty(result.Changed);
        Assert.Equal([LifecycleEvents.Queued], (await EventsAsync("0000000000H1H1H1")).Select(e => e.Type));
        Assert.Equal((0, 3), await CountsAsync(line.Id));      // the two the caller left alone, and this one

        // Once the lease has run out (its node is gone), the same change takes, with its event and its reason.
        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        result = await Queue.ApplyOperatorBatchAsync(new OperatorBatch(line.Id, Now, [RecipientTransitions.Hold(leased, "held by anna: spam run")], [], null, 0));
        Assert.Equal([leased.Id], result.Changed);
        var held = (await EventsAsync("0000000000H1H1H1")).Last();
        Assert.Equal((LifecycleEvents.Held, "held by anna: spam run"), (held.Type, held.Reason));
        Assert.Equal((1, 3), await CountsAsync(line.Id));
    }

    async Task<(int Touched, int Skipped)> CountsAsync(long auditId) => await Audit.GetAsync(auditId) is { } e ? (e.Touched, e.Skipped) : (-1, -1);

    [Fact]
    public async Task A_delete_of_many_recipients_in_batches_completes_and_emits_one_event_per_recipient()
    {
        // 40 messages of 150 recipients: 6,000 recipients, deleted 500 at a time as the engine pages through them.
        var messages = Enumerable.Range(0, 40).Select(m => Message($"0000000000M{m:D5}", Enumerable.Range(0, 150).Select(r => $"r{r}@d{m % 3}.test").ToArray())).ToList();
        await Queue.EnqueueAsync(messages, Now - TimeSpan.FromSeconds(1));
        var line = await AuditLineAsync(QueueAction.Delete, "all");
        var completed = new List<string>();
        long after = 0;
        var batches = 0;
        while (batches < 100)
        {
            var page = await Queue.WaitingAsync(new QueueSelection(), Now, after, 500);
            if (page.Count == 0)
                break;
            after = page[^1].Recipient.Id;
            var changes = page.Select(w => RecipientTransitions.Delete(w.Recipient, "deleted by anna: spam run", "Deleted by the operator: spam run")).ToList();
            var result = await Queue.ApplyOperatorBatchAsync(new OperatorBatch(line.Id, Now, changes, [], null, 0));
            Assert.Equal(page.Count, result.Changed.Count);
            completed.AddRange(result.Completed);
            batches++;
        }
        Assert.Equal(12, batches);
        Assert.Equal(messages.Select(m => m.Message.Id).Order(), completed.Distinct().Order());
        Assert.Empty(await Queue.WaitingAsync(new QueueSelection(), Now, 0, 10));
        Assert.Equal((6000, 0), await CountsAsync(line.Id));
        var deleted = await Log.EventsAsync(new EventQuery(Type: LifecycleEvents.Deleted, Limit: 10_000));
        Assert.Equal(6000, deleted.Count);
        Assert.Equal(6000, deleted.Select(e => e.RecipientId).Distinct().Count());
        Assert.All(deleted, e => Assert.Equal((RecipientStatus.Queued, RecipientStatus.Deleted, "deleted by anna: spam run"), (e.From!.Value, e.To, e.Reason)));
        var report = await Log.GetReportAsync("0000000000M00000");
        Assert.All(report!.Recipients, r => Assert.Equal((RecipientStatus.Deleted, "Deleted by the operator: spam run"), (r.Status, r.LastReply)));
    }

    [Fact]
    public async Task A_delete_with_a_bounce_is_a_bounced_outcome_with_its_reason_and_one_attempt()
    {
        var queued = await QueueFreeAsync(Message("0000000000B1B1B1", "a@x.test", "b@x.test"));
        await Queue.RecordOutcomesAsync([new RecipientOutcome(queued[1], RecipientStatus.Deferred, Attempt("451 4.7.1 later"), Now + TimeSpan.FromHours(1))]);
        var line = await AuditLineAsync(QueueAction.Bounce, "message=0000000000B1B1B1");
        var attempt = new DeliveryAttempt(Now, null, null, null, null, "Deleted by the operator: spam run", null, TimeSpan.Zero);
        var deferred = (await Queue.WaitingAsync(new QueueSelection { Status = RecipientStatus.Deferred }, Now, 0, 10)).Single().Recipient;
        var outcomes = new[] { RecipientTransitions.DeletedWithBounce(queued[0], attempt, "bounced by anna: spam run"), RecipientTransitions.DeletedWithBounce(deferred, attempt, "bounced by anna: spam run") };
        var result = await Queue.ApplyOperatorBatchAsync(new OperatorBatch(line.Id, Now, [], outcomes, null, 0));
        Assert.Equal(2, result.Changed.Count);
        Assert.Equal(["0000000000B1B1B1"], result.Completed);
        var events = (await EventsAsync("0000000000B1B1B1")).Where(e => e.Type == LifecycleEvents.Bounced).ToList();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(("bounced by anna: spam run", "Deleted by the operator: spam run"), (e.Reason, e.Reply!.Text)));
        Assert.Equal(3, (await Log.GetReportAsync("0000000000B1B1B1"))!.Attempts.Count);   // the deferral, and one for each bounce

        // The same decision again finds them final: nothing takes, and no attempt is invented.
        result = await Queue.ApplyOperatorBatchAsync(new OperatorBatch(line.Id, Now, [], outcomes, null, 0));
        Assert.Empty(result.Changed);
        Assert.Equal(3, (await Log.GetReportAsync("0000000000B1B1B1"))!.Attempts.Count);
        Assert.Equal((2, 2), await CountsAsync(line.Id));
    }

    public void Dispose()
    {
        if (_stores.IsValueCreated)
            _stores.Value.Dispose();
        GC.SuppressFinalize(this);
    }
}
