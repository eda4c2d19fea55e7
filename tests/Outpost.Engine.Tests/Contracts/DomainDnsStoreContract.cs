using Outpost.Engine.Accounts;
using Outpost.Engine.Domains;
using Outpost.Engine.Signing;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>What every store of DKIM key records and sending-record checks must do, through <see cref="IDomainDnsStore"/> alone.</summary>
public abstract class DomainDnsStoreContract : StoreContract
{
    IDomainDnsStore Store => Stores.DomainDns;

    async Task DomainsAsync()
    {
        await Stores.Accounts.AddDomainAsync(new HostedDomain("a.example", Plan.Paid, Now));
        await Stores.Accounts.AddDomainAsync(new HostedDomain("b.example", Plan.Paid, Now));
    }

    [Fact]
    public async Task Keys_are_listed_per_domain_oldest_first_and_only_their_state_changes()
    {
        await DomainsAsync();
        var first = new DkimKey("a.example", "s2026", DkimAlgorithm.Rsa, DkimKeyState.Active, "MIIB-first", Now - TimeSpan.FromDays(30), Now - TimeSpan.FromDays(29), null);
        var second = new DkimKey("a.example", "s2027", DkimAlgorithm.Ed25519, DkimKeyState.Pending, "ed-second", Now, null, null);
        await Store.AddKeyAsync(second);
        await Store.AddKeyAsync(first);
        await Store.AddKeyAsync(new DkimKey("b.example", "s1", DkimAlgorithm.Rsa, DkimKeyState.Active, "MIIB-b", Now, Now, null));

        Assert.Equal([first, second], await Store.KeysAsync("a.example"));
        Assert.Empty(await Store.KeysAsync("c.example"));

        // A rotation: the new key active, the old one retiring; the public key and creation time stay as they were.
        var activated = second with { State = DkimKeyState.Active, ActivatedAt = Now + TimeSpan.FromDays(2), PublicKey = "not stored" };
        var retiring = first with { State = DkimKeyState.Retiring, RetireAfter = Now + TimeSpan.FromDays(9) };
        await Store.UpdateKeyAsync(activated);
        await Store.UpdateKeyAsync(retiring);
        Assert.Equal([retiring, activated with { PublicKey = "ed-second" }], await Store.KeysAsync("a.example"));
        Assert.Single(await Store.KeysAsync("b.example"), k => k.State == DkimKeyState.Active);
    }

    [Fact]
    public async Task Saving_checks_replaces_the_domains_checks_and_no_other()
    {
        await DomainsAsync();
        DnsCheck Check(string domain, string record, DnsRecordStatus status, DateTimeOffset? firstValid = null) =>
            new(domain, record, status, $"{record} is {status}", status == DnsRecordStatus.Ok ? "v=spf1 -all" : null, Now, firstValid);

        await Store.SaveChecksAsync("a.example", [Check("a.example", "spf", DnsRecordStatus.Missing), Check("a.example", "dmarc", DnsRecordStatus.Wrong),
            Check("a.example", "dkim:s1", DnsRecordStatus.Error)]);
        await Store.SaveChecksAsync("b.example", [Check("b.example", "spf", DnsRecordStatus.Ok, Now)]);

        var later = Check("a.example", "spf", DnsRecordStatus.Ok, Now - TimeSpan.FromHours(3));
        await Store.SaveChecksAsync("a.example", [later, Check("a.example", "dmarc", DnsRecordStatus.Conflict)]);

        var checks = (await Store.ChecksAsync("a.example")).OrderBy(c => c.Record, StringComparer.Ordinal).ToList();
        Assert.Equal(["dmarc", "spf"], checks.Select(c => c.Record));
        Assert.Equal(later, checks[1]);
        Assert.Equal(DnsRecordStatus.Conflict, checks[0].Status);
        Assert.Equal([Check("b.example", "spf", DnsRecordStatus.Ok, Now)], await Store.ChecksAsync("b.example"));

        await Store.SaveChecksAsync("a.example", []);
        Assert.Empty(await Store.ChecksAsync("a.example"));
    }
}
