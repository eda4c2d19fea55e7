using Outpost.Engine.Accounts;
using Outpost.Engine.Domains;
using Outpost.Engine.Signing;

namespace Outpost.Engine.Tests.Domains;

public sealed class DomainDnsVerifierTests : IAsyncLifetime
{
    readonly EngineHarness _engine = new();

    public Task InitializeAsync() => _engine.SeedAsync();
    public async Task DisposeAsync() => await _engine.DisposeAsync();

    [Fact]
    public async Task A_new_domain_has_a_key_and_three_records_to_publish_and_is_not_ready()
    {
        var report = await _engine.Verifier.ReportAsync("example.com");
        Assert.Equal([RecordKind.Spf, RecordKind.Dkim, RecordKind.Dmarc], report.Records.Select(r => r.Kind));
        Assert.False(report.Ready);
        var dkim = report.Records[1];
        Assert.Matches(@"^o\d{6}r\._domainkey\.example\.com$", dkim.Name);
        Assert.StartsWith("v=DKIM1; k=rsa; p=MIIBIjAN", dkim.Value);
        Assert.True(dkim.ValueStrings.Count > 1);
        Assert.Equal("v=spf1 include:_spf.outpost.test ~all", report.Records[0].Value);
        Assert.Equal("v=DMARC1; p=none", report.Records[2].Value);
    }

    [Fact]
    public async Task Published_records_make_the_domain_ready_and_remember_since_when()
    {
        await _engine.PublishRecordsAsync("example.com");
        var report = await _engine.Verifier.CheckAsync("example.com");
        Assert.True(report.Ready, string.Join("; ", report.Records.Select(r => r.Sentence)));
        Assert.Equal(_engine.Time.GetUtcNow(), report.ValidSince);

        _engine.Time.Advance(TimeSpan.FromHours(1));
        report = await _engine.Verifier.CheckAsync("example.com");
        Assert.Equal(_engine.Time.GetUtcNow() - TimeSpan.FromHours(1), report.ValidSince);

        // A record that disappears is noticed by the next check.
        _engine.Dns.Txt.Remove("_dmarc.example.com");
        report = await _engine.Verifier.CheckAsync("example.com");
        Assert.False(report.Ready);
        Assert.Equal(RecordKind.Dmarc, report.FirstProblem!.Kind);
        Assert.Equal(DnsRecordStatus.Missing, report.FirstProblem.Status);
        Assert.Null(report.ValidSince);
    }

    [Fact]
    public async Task A_stricter_dmarc_policy_and_an_existing_spf_with_the_include_are_accepted()
    {
        await _engine.PublishRecordsAsync("example.com");
        _engine.Dns.Txt["_dmarc.example.com"] = ["v=DMARC1; p=reject; adkim=s"];
        _engine.Dns.Txt["example.com"] = ["v=spf1 mx include:_spf.outpost.test -all"];
        _engine.Dns.Mx["example.com"] = [];
        Assert.True((await _engine.Verifier.CheckAsync("example.com")).Ready);
    }

    [Fact]
    public async Task A_dns_failure_is_an_error_not_a_verdict()
    {
        await _engine.PublishRecordsAsync("example.com");
        _engine.Dns.Failing.Add("example.com");
        var report = await _engine.Verifier.CheckAsync("example.com");
        Assert.Equal(DnsRecordStatus.Error, report.Records[0].Status);
        Assert.Contains("Outpost will look again", report.Records[0].Sentence);
    }

    [Fact]
    public async Task Rotation_publishes_a_pending_key_that_takes_over_once_seen_and_the_old_one_retires_later()
    {
        await _engine.PublishRecordsAsync("example.com");
        await _engine.Verifier.CheckAsync("example.com");
        var old = (await _engine.DnsStore.KeysAsync("example.com")).Single();

        var pending = (await _engine.Dkim.RotateAsync("example.com")).Single();
        Assert.Equal(DkimKeyState.Pending, pending.State);
        Assert.NotEqual(old.Selector, pending.Selector);
        var report = await _engine.Verifier.CheckAsync("example.com");
        Assert.True(report.Ready); // the pending record is not required yet
        Assert.Equal(old.Selector, (await _engine.Dkim.SignersAsync("example.com")).Single().Selector);

        _engine.Dns.AddTxt(pending.RecordName, pending.RecordValue);
        await _engine.Verifier.CheckAsync("example.com");
        var keys = await _engine.DnsStore.KeysAsync("example.com");
        Assert.Equal(DkimKeyState.Active, keys.Single(k => k.Selector == pending.Selector).State);
        Assert.Equal(DkimKeyState.Retiring, keys.Single(k => k.Selector == old.Selector).State);
        Assert.Equal(pending.Selector, (await _engine.Dkim.SignersAsync("example.com")).Single().Selector);
        var retiring = (await _engine.Verifier.ReportAsync("example.com")).Records.Single(r => r.Name == old.RecordName);
        Assert.False(retiring.Required);

        _engine.Time.Advance(_engine.Options.Dkim.RetireAfter + TimeSpan.FromMinutes(1));
        await _engine.Verifier.CheckAsync("example.com");
        Assert.Equal(DkimKeyState.Retired, (await _engine.DnsStore.KeysAsync("example.com")).Single(k => k.Selector == old.Selector).State);
        Assert.False(File.Exists(Path.Combine(_engine.Dir.Path, "dkim", "example.com", old.Selector + ".pem")));
    }

    [Fact]
    public async Task A_key_activated_by_another_process_signs_within_five_seconds()
    {
        var old = (await _engine.DnsStore.KeysAsync("example.com")).Single();
        Assert.Equal(old.Selector, (await _engine.Dkim.SignersAsync("example.com")).Single().Selector);

        // The CLI is another process: its own key manager over the same database and key files.
        var cli = new DkimKeyManager(_engine.DnsStore, new DkimKeyFiles(_engine.Dir.Path), _engine.Options.Dkim, _engine.Time);
        var pending = (await cli.RotateAsync("example.com")).Single();
        await cli.AdvanceAsync("example.com", new HashSet<string> { pending.CheckName });

        Assert.Equal(old.Selector, (await _engine.Dkim.SignersAsync("example.com")).Single().Selector);
        _engine.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(pending.Selector, (await _engine.Dkim.SignersAsync("example.com")).Single().Selector);
    }

    [Fact]
    public async Task Private_keys_are_readable_by_outpost_only()
    {
        var key = (await _engine.DnsStore.KeysAsync("example.com")).Single();
        var path = Path.Combine(_engine.Dir.Path, "dkim", "example.com", key.Selector + ".pem");
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", await File.ReadAllTextAsync(path));
        Assert.DoesNotContain(key.PublicKey, await File.ReadAllTextAsync(path));
    }

    [Fact]
    public async Task The_gate_checks_the_plan_before_the_records()
    {
        var gate = new SendingGate(_engine.Accounts, _engine.Verifier, _engine.Options.Sending, _engine.Time);
        await _engine.AccountService.SetPlanAsync("example.com", Plan.Free);
        Assert.Contains("free plan", (await gate.RefusalAsync("example.com"))!.Value.Text);
        await _engine.AccountService.SetPlanAsync("example.com", Plan.Paid);
        Assert.Contains("SPF record of example.com is missing", (await gate.RefusalAsync("example.com"))!.Value.Text);

        _engine.Dns.Failing.Add("example.com");
        _engine.Time.Advance(TimeSpan.FromMinutes(5));
        var transient = (await gate.RefusalAsync("example.com"))!.Value;
        Assert.Equal(451, transient.Code);

        _engine.Dns.Failing.Clear();
        await _engine.PublishRecordsAsync("example.com");
        // Not ready a moment ago: looked at again only after the recheck delay.
        Assert.NotNull(await gate.RefusalAsync("example.com"));
        _engine.Time.Advance(_engine.Options.Sending.RecheckNotReadyAfter + TimeSpan.FromSeconds(1));
        Assert.Null(await gate.RefusalAsync("example.com"));
    }
}
