using System.Data.Common;
using Outpost.Engine.Accounts;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>What every account store must do (domains and mailboxes), through <see cref="IAccountStore"/> alone.</summary>
public abstract class AccountStoreContract : StoreContract
{
    IAccountStore Store => Stores.Accounts;

    [Fact]
    public async Task Domains_are_found_by_name_listed_byte_by_byte_and_change_plan()
    {
        await Store.AddDomainAsync(new HostedDomain("b.example", Plan.Free, Now));
        await Store.AddDomainAsync(new HostedDomain("ab.example", Plan.Paid, Now - TimeSpan.FromDays(1)));
        await Store.AddDomainAsync(new HostedDomain("a.example", Plan.Free, Now));

        Assert.Equal(new HostedDomain("ab.example", Plan.Paid, Now - TimeSpan.FromDays(1)), await Store.GetDomainAsync("ab.example"));
        Assert.Null(await Store.GetDomainAsync("c.example"));
        // "a." before "ab": the order of the bytes, whatever the database's collation would say.
        Assert.Equal(["a.example", "ab.example", "b.example"], (await Store.ListDomainsAsync()).Select(d => d.Name));

        Assert.True(await Store.SetPlanAsync("b.example", Plan.Paid));
        Assert.Equal(Plan.Paid, (await Store.GetDomainAsync("b.example"))!.Plan);
        Assert.False(await Store.SetPlanAsync("c.example", Plan.Paid));
    }

    [Fact]
    public async Task A_domain_is_added_once()
    {
        await Store.AddDomainAsync(new HostedDomain("a.example", Plan.Free, Now));
        await Assert.ThrowsAnyAsync<DbException>(() => Store.AddDomainAsync(new HostedDomain("a.example", Plan.Paid, Now)));
        Assert.Equal(Plan.Free, (await Store.GetDomainAsync("a.example"))!.Plan);
    }

    [Fact]
    public async Task Mailboxes_belong_to_a_known_domain_are_listed_by_domain_and_change_password()
    {
        await Store.AddDomainAsync(new HostedDomain("a.example", Plan.Paid, Now));
        await Store.AddDomainAsync(new HostedDomain("b.example", Plan.Paid, Now));
        var anna = new Mailbox("anna@a.example", "a.example", "hash-1", MailboxRole.Admin, Now);
        await Store.AddMailboxAsync(anna);
        await Store.AddMailboxAsync(new Mailbox("al@a.example", "a.example", "hash-2", MailboxRole.User, Now));
        await Store.AddMailboxAsync(new Mailbox("ops@b.example", "b.example", "hash-3", MailboxRole.Operator, Now));

        Assert.Equal(anna, await Store.GetMailboxAsync("anna@a.example"));
        Assert.Null(await Store.GetMailboxAsync("nobody@a.example"));
        Assert.Equal(["al@a.example", "anna@a.example"], (await Store.ListMailboxesAsync("a.example")).Select(m => m.Address));
        Assert.Equal(3, (await Store.ListMailboxesAsync(null)).Count);
        Assert.Equal(MailboxRole.Operator, (await Store.GetMailboxAsync("ops@b.example"))!.Role);

        Assert.True(await Store.SetPasswordHashAsync("anna@a.example", "hash-new"));
        Assert.Equal("hash-new", (await Store.GetMailboxAsync("anna@a.example"))!.PasswordHash);
        Assert.False(await Store.SetPasswordHashAsync("nobody@a.example", "hash-new"));

        // A mailbox of a domain that is not hosted is refused by the store, and nothing is kept.
        await Assert.ThrowsAnyAsync<DbException>(() => Store.AddMailboxAsync(new Mailbox("x@c.example", "c.example", "h", MailboxRole.User, Now)));
        Assert.Null(await Store.GetMailboxAsync("x@c.example"));
    }
}
