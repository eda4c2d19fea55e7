using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>
/// What every queue store must do about leases and the order of claims, with two nodes on one database:
/// leases carry their node's name, a start releases only its own, the heartbeat renews only its own (and
/// only young claims), a lease that ran out is another node's to take, and a claim is fair across sender
/// domains. The lease rules are the Engine's (<see cref="LeaseRules"/>); the clock is faked.
/// </summary>
public abstract class LeaseContract : IDisposable
{
    protected readonly FakeTimeProvider Time = StoreSet.NewClock();
    readonly Lazy<StoreSet> _stores;

    protected LeaseContract() => _stores = new(() => Open(Time));

    protected abstract StoreSet Open(TimeProvider time);

    /// <summary>A short lease, as a test of takeover wants; the rules are the same at 60 s.</summary>
    readonly LeaseRules _rules = new(TimeSpan.FromSeconds(10));

    IQueueStore A => _a ??= _stores.Value.QueueOf(new NodeIdentity("node-a"));
    IQueueStore B => _b ??= _stores.Value.QueueOf(new NodeIdentity("node-b"));
    IQueueStore? _a, _b;
    ISendLog Log => _stores.Value.Log;
    DateTimeOffset Now => Time.GetUtcNow();

    NewMessage Message(string id, string sender, params string[] recipients) => new(
        new QueuedMessage(id, sender, "s", 10, sender, "127.0.0.1", "h", "submission", Now, "/spool/" + id),
        recipients.Select(r => new NewRecipient(r, r[(r.IndexOf('@') + 1)..], Route.Remote)).ToList());

    static string Id(string prefix, int n) => prefix + n.ToString("D6", CultureInfo.InvariantCulture);

    DeliveryAttempt Delivered() => new(Now, "direct", null, null, 250, "250 2.0.0 ok", null, TimeSpan.Zero);

    async Task<List<QueuedRecipient>> ClaimAsync(IQueueStore node, int limit = 100) =>
        [.. (await node.ClaimDueAsync(Now, _rules.Until(Now), limit)).SelectMany(w => w.Recipients)];

    [Fact]
    public async Task A_start_releases_only_the_leases_of_its_own_node()
    {
        await A.EnqueueAsync([Message(Id("NODEA00000", 1), "a@one.test", "r1@x.test", "r2@x.test")], _rules.Until(Now));
        await B.EnqueueAsync([Message(Id("NODEB00000", 1), "b@two.test", "r3@x.test")], _rules.Until(Now));

        // Node b restarts: its one recipient waits again, node a's two stay with node a.
        Assert.Equal(1, await B.ReleaseOwnLeasesAsync());
        var claimed = await ClaimAsync(B);
        Assert.Equal(["r3@x.test"], claimed.Select(r => r.Address));
        Assert.Empty(await ClaimAsync(A));
    }

    [Fact]
    public async Task A_node_that_stops_renewing_loses_its_claims_after_the_lease_time_and_the_other_node_delivers_them_once()
    {
        await A.EnqueueAsync([Message(Id("TAKEOV0000", 1), "a@one.test", [.. Enumerable.Range(0, 20).Select(i => $"r{i}@x.test")])], Now - TimeSpan.FromSeconds(1));
        var mine = await ClaimAsync(A);
        Assert.Equal(20, mine.Count);

        // Node a is alive: its heartbeat renews the leases, so node b finds nothing past the first lease time.
        Time.Advance(_rules.HeartbeatEvery);
        Assert.Equal(20, await A.RenewLeasesAsync(_rules.Until(Now), _rules.RenewClaimsSince(Now)));
        Time.Advance(_rules.LeaseTime - _rules.HeartbeatEvery + TimeSpan.FromSeconds(1));
        Assert.Empty(await ClaimAsync(B));

        // Node a dies (no more beats): one lease time after its last renewal node b takes every recipient.
        Time.Advance(_rules.HeartbeatEvery);
        var resumed = await ClaimAsync(B);
        Assert.Equal(mine.Select(r => r.Id).Order(), resumed.Select(r => r.Id).Order());
        // A renewal by the node that lost them (it was only paused) renews nothing: the leases are node b's now.
        Assert.Equal(0, await A.RenewLeasesAsync(_rules.Until(Now), _rules.RenewClaimsSince(Now)));
        Assert.Equal(20, await B.RenewLeasesAsync(_rules.Until(Now), _rules.RenewClaimsSince(Now)));

        await B.RecordOutcomesAsync([.. resumed.Select(r => RecipientTransitions.Delivered(r, Delivered()))]);
        var events = await Log.EventsAsync(new EventQuery(MessageId: Id("TAKEOV0000", 1), Limit: 1000));
        Assert.Equal(20, events.Count(e => e.Type == LifecycleEvents.Delivered));
        Assert.All(events.Where(e => e.Type == LifecycleEvents.Delivered).GroupBy(e => e.RecipientId), g => Assert.Single(g));
        // Node a's claim made them delivering; node b's takeover changes no status and raises no event.
        Assert.Equal(20, events.Count(e => e.Type == LifecycleEvents.Delivering));
        Assert.Empty(await ClaimAsync(A));
        Assert.Empty(await ClaimAsync(B));
    }

    [Fact]
    public async Task A_node_whose_lease_was_taken_over_cannot_overwrite_the_new_holders_state()
    {
        var id = Id("LOSTLS0000", 1);
        await A.EnqueueAsync([Message(id, "a@one.test", "r@x.test")], Now - TimeSpan.FromSeconds(1));
        var mine = Assert.Single(await ClaimAsync(A));

        // Node a pauses past its lease; node b takes the recipient over (delivering, as it was, under b's name).
        Time.Advance(_rules.LeaseTime + TimeSpan.FromSeconds(1));
        var theirs = Assert.Single(await ClaimAsync(B));
        Assert.Equal(mine.Id, theirs.Id);

        // Node a wakes and reports a deferral: the status is still "delivering", but the lease is b's, so it does not take.
        var late = await A.RecordOutcomesAsync([RecipientTransitions.Deferred(mine, new DeliveryAttempt(Now, "direct", null, null, 451, "451 4.3.0 later", null, TimeSpan.Zero),
            Now + TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(1))]);
        Assert.Same(Assert.Single(late.Lost).Recipient, mine);
        Assert.Empty(late.Completed);
        // The lease is still b's: its heartbeat renews it, and b's own outcome takes.
        Assert.Equal(1, await B.RenewLeasesAsync(_rules.Until(Now), _rules.RenewClaimsSince(Now)));
        var done = await B.RecordOutcomesAsync([RecipientTransitions.Delivered(theirs, Delivered())]);
        Assert.Empty(done.Lost);
        Assert.Equal([id], done.Completed);

        // A later report of node a's (a bounce) does not roll the delivered recipient back either.
        var later = await A.RecordOutcomesAsync([RecipientTransitions.Bounced(mine, new DeliveryAttempt(Now, "direct", null, null, 550, "550 5.1.1 no", null, TimeSpan.Zero))]);
        Assert.Single(later.Lost);
        var events = await Log.EventsAsync(new EventQuery(MessageId: id, Limit: 100));
        Assert.Equal([LifecycleEvents.Queued, LifecycleEvents.Delivering, LifecycleEvents.Delivered], events.Select(e => e.Type));
        var report = (await Log.GetReportAsync(id))!;
        Assert.Equal(RecipientStatus.Delivered, Assert.Single(report.Recipients).Status);
        // The tries happened: each is in the log, the lost ones too.
        Assert.Equal(3, report.Attempts.Count);
    }

    [Fact]
    public async Task A_lease_that_ran_out_but_was_not_taken_over_still_takes_its_holders_outcome()
    {
        await A.EnqueueAsync([Message(Id("RANOUT0000", 1), "a@one.test", "r@x.test")], Now - TimeSpan.FromSeconds(1));
        var mine = Assert.Single(await ClaimAsync(A));
        Time.Advance(_rules.LeaseTime * 2);
        var recorded = await A.RecordOutcomesAsync([RecipientTransitions.Delivered(mine, Delivered())]);
        Assert.Empty(recorded.Lost);
        Assert.Equal([Id("RANOUT0000", 1)], recorded.Completed);
        Assert.Empty(await ClaimAsync(B));
    }

    [Fact]
    public async Task The_heartbeat_stops_renewing_a_claim_older_than_the_longest_hold()
    {
        var rules = new LeaseRules(TimeSpan.FromSeconds(10), longestHold: TimeSpan.FromMinutes(1));
        await A.EnqueueAsync([Message(Id("OLDHLD0000", 1), "a@one.test", "r@x.test")], Now - TimeSpan.FromSeconds(1));
        Assert.Single(await ClaimAsync(A));
        var claimedAt = Now;
        while (Now - claimedAt + rules.HeartbeatEvery <= rules.LongestHold)
        {
            Time.Advance(rules.HeartbeatEvery);
            Assert.Equal(1, await A.RenewLeasesAsync(rules.Until(Now), rules.RenewClaimsSince(Now)));
        }
        Time.Advance(rules.HeartbeatEvery);
        Assert.Equal(0, await A.RenewLeasesAsync(rules.Until(Now), rules.RenewClaimsSince(Now)));
        // Work a live node holds but no longer works on comes back one lease time later.
        Assert.Empty(await ClaimAsync(B));
        Time.Advance(rules.LeaseTime);
        Assert.Single(await ClaimAsync(B));
    }

    [Fact]
    public async Task One_sender_domains_burst_does_not_hold_back_another_domains_message_past_the_first_batch()
    {
        const int Burst = 300, BatchSize = 50;
        var burst = Enumerable.Range(0, Burst).Select(i => Message(Id("BURST00000", i), "news@burst.test", $"r{i}@x.test")).ToList();
        await A.EnqueueAsync(burst, Now - TimeSpan.FromSeconds(1));
        // Queued after the whole burst, so by due time alone it would wait for six batches.
        Time.Advance(TimeSpan.FromSeconds(1));
        await A.EnqueueAsync([Message(Id("SINGLE0000", 1), "anna@quiet.test", "bob@y.test")], Now - TimeSpan.FromSeconds(1));
        await A.EnqueueAsync([Message(Id("SINGLE0000", 2), "otto@Third.test", "carl@y.test")], Now - TimeSpan.FromSeconds(1));
        Time.Advance(TimeSpan.FromSeconds(1));

        var first = await ClaimAsync(B, BatchSize);
        Assert.Equal(BatchSize, first.Count);
        Assert.Contains(first, r => r.Address == "bob@y.test");
        Assert.Contains(first, r => r.Address == "carl@y.test");
        // Within the burst, the order stays soonest due first.
        var burstIds = first.Where(r => r.Address.EndsWith("@x.test", StringComparison.Ordinal)).Select(r => r.MessageId).ToList();
        Assert.Equal(Enumerable.Range(0, BatchSize - 2).Select(i => Id("BURST00000", i)), burstIds.Order(StringComparer.Ordinal));

        // The rest of the burst follows, each recipient once.
        var rest = new List<QueuedRecipient>();
        for (var round = 0; round < 20 && rest.Count < Burst - (BatchSize - 2); round++)
            rest.AddRange(await ClaimAsync(B, BatchSize));
        Assert.Equal(Burst, first.Concat(rest).Count(r => r.Address.EndsWith("@x.test", StringComparison.Ordinal)));
        Assert.Equal(Burst + 2, first.Concat(rest).Select(r => r.Id).Distinct().Count());
    }

    public void Dispose()
    {
        if (_stores.IsValueCreated)
            _stores.Value.Dispose();
        GC.SuppressFinalize(this);
    }
}
