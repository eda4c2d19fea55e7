using System.Globalization;
using Microsoft.Extensions.Time.Testing;
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

    [Fact]
    public async Task Enqueued_work_is_leased_and_not_claimed_twice_until_the_lease_is_released()
    {
        var queued = await Queue.EnqueueAsync([Message("0000000000AAAAAA", "a@x.test", "b@x.test", "c@y.test")], Now + Lease);
        Assert.Equal(3, queued[0].Count);
        Assert.Empty(await Queue.ClaimDueAsync(Now, Now + Lease, 100));

        Assert.Equal(3, await Queue.ReleaseAllLeasesAsync());
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
        Assert.Empty(completed);
        Assert.Equal(later, await Queue.NextDueAsync());
        Assert.Empty(await Queue.ClaimDueAsync(Now, Now, 10));
        var claimed = Assert.Single(await Queue.ClaimDueAsync(later, later, 10)).Recipients.Single();

        // The outcome of the claimed recipient (delivering), as the delivery that claimed it reports it.
        completed = await Queue.RecordOutcomesAsync([new RecipientOutcome(claimed, RecipientStatus.Bounced, Attempt("550 no"), null)]);
        Assert.Equal(["0000000000BBBBBB"], completed);
        Assert.Empty(await Queue.ListOpenAsync(10));
        Assert.Null(await Queue.NextDueAsync());
    }

    [Fact]
    public async Task Retry_now_makes_deferred_recipients_due()
    {
        var queued = await QueueFreeAsync(Message("0000000000CCCCCC", "a@x.test"));
        await Queue.RecordOutcomesAsync([new RecipientOutcome(queued[0], RecipientStatus.Deferred, Attempt("451 later"), Now + TimeSpan.FromHours(1))]);
        Assert.Empty(await Queue.ClaimDueAsync(Now, Now, 10));
        Assert.Equal(1, await Queue.RetryNowAsync("0000000000CCCCCC", Now));
        Assert.Single(await Queue.ClaimDueAsync(Now, Now, 10));
        Assert.Equal(0, await Queue.RetryNowAsync("0000000000DDDDDD", Now));
    }

    [Fact]
    public async Task A_held_message_waits_outside_the_delivery_loop_until_released()
    {
        await Queue.EnqueueAsync([Message("0000000000CDCDCD", "a@x.test", "b@x.test")], Now + Lease);
        await Queue.ReleaseAllLeasesAsync();
        Assert.Equal(2, await Queue.HoldAsync("0000000000CDCDCD", Now));
        Assert.Empty(await Queue.ClaimDueAsync(Now, Now + Lease, 10));
        Assert.Equal(2, (await Queue.ListOpenAsync(10)).Count(r => r.Status == RecipientStatus.Held));
        var depth = await Queue.DepthAsync();
        Assert.Equal(2, depth["held"]);
        Assert.Equal(0, depth.GetValueOrDefault("queued"));

        Assert.Equal(2, await Queue.ReleaseAsync("0000000000CDCDCD", Now));
        Assert.Equal(2, (await Queue.ClaimDueAsync(Now, Now + Lease, 10)).Sum(w => w.Recipients.Count));
        // Recipients being delivered are not held under their delivery's feet.
        Assert.Equal(0, await Queue.HoldAsync("0000000000CDCDCD", Now));
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
        await Queue.ReleaseAllLeasesAsync();                      // delivering -> deferred (it had an attempt)
        Assert.Equal(1, await Queue.HoldAsync("0000000000EEEEEE", Now));
        Assert.Equal(1, await Queue.ReleaseAsync("0000000000EEEEEE", Now));
        Assert.Equal(0, await Queue.ReleaseAsync("0000000000EEEEEE", Now)); // nothing held: no change, no event

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
        Assert.Equal(["0000000000E1E1E1"], await Queue.RecordOutcomesAsync([outcome]));
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

    public void Dispose()
    {
        if (_stores.IsValueCreated)
            _stores.Value.Dispose();
        GC.SuppressFinalize(this);
    }
}
