using Outpost.Engine.Audit;
using Outpost.Engine.Policy;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>
/// What every policy store must do, through <see cref="IPolicyStore"/> (and the queue and audit trail it
/// reads or writes) alone: violations counted by sender, domain and time; restrictions made, found and
/// lifted, each with its line of the audit trail; the external sending the rate limits count.
/// </summary>
public abstract class PolicyStoreContract : StoreContract
{
    IPolicyStore Store => Stores.Policy;
    static readonly AuditActor Anna = new("anna", AuditActor.Cli);

    [Fact]
    public async Task Violations_are_counted_by_sender_domain_and_time()
    {
        await Store.AddViolationAsync(Now - TimeSpan.FromHours(2), "al@a.example", "a.example", ContentClass.Marketing, "Sale");
        await Store.AddViolationAsync(Now - TimeSpan.FromMinutes(5), "al@a.example", "a.example", ContentClass.VerificationCode, null);
        await Store.AddViolationAsync(Now, "bo@a.example", "a.example", ContentClass.Prohibited, "x");
        await Store.AddViolationAsync(Now, "cy@b.example", "b.example", ContentClass.Marketing, "y");

        var hour = Now - TimeSpan.FromHours(1);
        Assert.Equal(1, await Store.CountViolationsAsync("al@a.example", null, hour));
        Assert.Equal(2, await Store.CountViolationsAsync("al@a.example", null, Now - TimeSpan.FromDays(1)));
        Assert.Equal(2, await Store.CountViolationsAsync(null, "a.example", hour));
        Assert.Equal(1, await Store.CountViolationsAsync("al@a.example", "a.example", hour));
        Assert.Equal(3, await Store.CountViolationsAsync(null, null, hour));
        Assert.Equal(0, await Store.CountViolationsAsync("nobody@a.example", null, hour));
    }

    [Fact]
    public async Task A_restriction_holds_until_lifted_the_domains_first_and_each_step_is_in_the_audit_trail()
    {
        Assert.Null(await Store.ActiveRestrictionAsync("al@a.example", "a.example"));
        var mailbox = await Store.RestrictAsync("mailbox", "al@a.example", "marketing mail", Anna, Now);
        Assert.Equal(new Restriction(mailbox.Id, "mailbox", "al@a.example", "marketing mail", Now, "anna", null, null, null),
            await Store.ActiveRestrictionAsync("al@a.example", "a.example"));
        Assert.Null(await Store.ActiveRestrictionAsync("bo@a.example", "a.example"));

        var domain = await Store.RestrictAsync("domain", "a.example", "complaints", AuditActor.Outpost, Now + TimeSpan.FromMinutes(1));
        // The domain's restriction is the one reported while both hold.
        Assert.Equal(domain.Id, (await Store.ActiveRestrictionAsync("al@a.example", "a.example"))!.Id);
        Assert.Equal(domain.Id, (await Store.ActiveRestrictionAsync("bo@a.example", "a.example"))!.Id);

        var lifted = await Store.LiftAsync("a.example", Anna, "paid", Now + TimeSpan.FromMinutes(2));
        Assert.Equal(domain with { LiftedAt = Now + TimeSpan.FromMinutes(2), LiftedBy = "anna", LiftReason = "paid" }, lifted);
        Assert.Null(await Store.LiftAsync("a.example", Anna, "again", Now + TimeSpan.FromMinutes(3)));
        Assert.Equal(mailbox.Id, (await Store.ActiveRestrictionAsync("al@a.example", "a.example"))!.Id);

        Assert.Equal([mailbox.Id], (await Store.RestrictionsAsync(includeLifted: false)).Select(r => r.Id));
        Assert.Equal([domain.Id, mailbox.Id], (await Store.RestrictionsAsync(includeLifted: true)).Select(r => r.Id));

        var trail = await Stores.Audit.ListAsync(new AuditQuery(Actions: AuditActions.Restrictions));
        Assert.Equal([(AuditActions.Lifted, "a.example", "anna"), (AuditActions.Restricted, "a.example", "outpost"), (AuditActions.Restricted, "al@a.example", "anna")],
            trail.Select(e => (e.Action, e.Target, e.Actor)));
        // A mailbox's line belongs to its domain, so that domain's admins read it.
        Assert.All(trail, e => Assert.Equal("a.example", e.Domain));
    }

    [Fact]
    public async Task Sent_counts_only_messages_with_external_recipients_by_sender_or_domain_in_the_last_hour_and_day()
    {
        async Task QueueAsync(string id, string sender, TimeSpan ago, params (string Address, Route Route)[] recipients)
        {
            var message = new QueuedMessage(id, sender, "s", 10, sender, "127.0.0.1", "h", "submission", Now - ago, "/spool/" + id);
            await Stores.Queue.EnqueueAsync([new NewMessage(message, recipients.Select(r => new NewRecipient(r.Address, r.Address[(r.Address.IndexOf('@') + 1)..], r.Route)).ToList())],
                Now);
        }
        await QueueAsync("M0000000000000001", "al@a.example", TimeSpan.FromMinutes(10), ("x@remote.test", Route.Remote), ("y@remote.test", Route.Remote));
        await QueueAsync("M0000000000000002", "al@a.example", TimeSpan.FromHours(5), ("x@remote.test", Route.Remote), ("bo@a.example", Route.Local));
        await QueueAsync("M0000000000000003", "al@a.example", TimeSpan.FromMinutes(1), ("bo@a.example", Route.Local));
        await QueueAsync("M0000000000000004", "al@a.example", TimeSpan.FromDays(2), ("x@remote.test", Route.Remote));
        await QueueAsync("M0000000000000005", "bo@a.example", TimeSpan.FromMinutes(20), ("z@remote.test", Route.Remote));

        Assert.Equal(new SentCounts(1, 2, 2, 3), await Store.SentAsync("al@a.example", null, Now));
        Assert.Equal(new SentCounts(2, 3, 3, 4), await Store.SentAsync(null, "a.example", Now));
        Assert.Equal(default, await Store.SentAsync("cy@a.example", null, Now));
    }
}
