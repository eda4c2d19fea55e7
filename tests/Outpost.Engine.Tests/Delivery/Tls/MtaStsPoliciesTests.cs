using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Delivery.Tls;
using Outpost.Engine.Delivery.Tls.MtaSts;
using Outpost.Engine.Delivery.Tls.Report;

namespace Outpost.Engine.Tests.Delivery.Tls;

/// <summary>
/// The MTA-STS policy cache on a fake clock: a known domain's delivery never waits for a fetch, a changed id
/// fetches the new policy in the background, policies near the end of max_age are fetched again ahead of
/// time, a failed refresh keeps the old policy until its max_age, and testing stays report-only.
/// </summary>
public sealed class MtaStsPoliciesTests
{
    const string Domain = "example.com";
    const string Enforce = "version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 86400\n";

    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));
    readonly FakeDns _dns = new();
    readonly FakeMtaStsFetcher _fetcher = new();
    readonly MemoryMtaStsCache _cache = new();

    MtaStsPolicies NewPolicies() => new(_dns, _fetcher, _cache, _time, NullLogger<MtaStsPolicies>.Instance, TimeSpan.FromHours(1));

    void Record(string id)
    {
        _dns.Txt["_mta-sts." + Domain] = [$"v=STSv1; id={id};"];
    }

    [Fact]
    public async Task A_known_policy_is_used_at_once_while_the_record_is_looked_at_in_the_background()
    {
        Record("1");
        _fetcher.Served[Domain] = Enforce;
        var policies = NewPolicies();
        var first = await policies.PolicyAsync(Domain);
        Assert.Equal(TlsMode.Verify, first!.Mode);
        Assert.Equal(1, _fetcher.Fetches);

        // Within a minute: no lookup at all.
        var queries = _dns.Queries;
        await policies.PolicyAsync(Domain);
        Assert.Equal(queries, _dns.Queries);

        // The id changes; the fetch of the new policy is held: the delivery does not wait for it.
        Record("2");
        _fetcher.Served[Domain] = Enforce.Replace("*.example.com", "mx.example.com");
        _fetcher.Hold = new TaskCompletionSource();
        _time.Advance(MtaStsPolicies.Recheck);
        var during = await policies.PolicyAsync(Domain).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("MTA-STS enforce for example.com, policy id 1", during!.Source);
        _fetcher.Hold.SetResult();
        await policies.BackgroundAsync().WaitAsync(TimeSpan.FromSeconds(10));

        var after = await policies.PolicyAsync(Domain);
        Assert.Equal("MTA-STS enforce for example.com, policy id 2", after!.Source);
        Assert.Equal(["mx.example.com"], after.MxPatterns);
        Assert.Equal(2, _fetcher.Fetches);
    }

    [Fact]
    public async Task A_policy_near_the_end_of_max_age_is_fetched_again_ahead_of_time()
    {
        Record("1");
        _fetcher.Served[Domain] = Enforce;
        var policies = NewPolicies();
        await policies.PolicyAsync(Domain);

        // Not yet due: the record looked at (a minute passed), the same id, nothing fetched.
        _time.Advance(TimeSpan.FromHours(2));
        await policies.RefreshDueAsync();
        Assert.Equal(1, _fetcher.Fetches);

        // Within the hour before max_age ends: fetched again although the id is the same.
        _time.Advance(TimeSpan.FromHours(21.5));
        await policies.RefreshDueAsync();
        Assert.Equal(2, _fetcher.Fetches);
        Assert.Equal(_time.GetUtcNow() + TimeSpan.FromDays(1), _cache.Entries[Domain].ExpiresAt);

        // Past the first policy's end, the refreshed one holds and nobody had to wait.
        _time.Advance(TimeSpan.FromHours(1));
        var fetches = _fetcher.Fetches;
        Assert.Equal(TlsMode.Verify, (await policies.PolicyAsync(Domain))!.Mode);
        await policies.BackgroundAsync();
        Assert.Equal(fetches, _fetcher.Fetches);
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_old_policy_until_its_max_age_and_then_reports_the_fetch_error()
    {
        Record("1");
        _fetcher.Served[Domain] = Enforce;
        var policies = NewPolicies();
        await policies.PolicyAsync(Domain);

        _fetcher.Served[Domain] = null;
        _time.Advance(TimeSpan.FromHours(23.5));
        await policies.RefreshDueAsync();
        Assert.Equal(2, _fetcher.Fetches);
        var kept = await policies.PolicyAsync(Domain);
        Assert.Equal(TlsMode.Verify, kept!.Mode);
        Assert.Null(kept.Report!.FailureType);

        // max_age is over and the host still fails: opportunistic, with the failure for TLS-RPT.
        _time.Advance(TimeSpan.FromHours(1));
        await policies.BackgroundAsync();
        var fallback = await policies.PolicyAsync(Domain);
        Assert.Equal(TlsMode.Opportunistic, fallback!.Mode);
        Assert.False(fallback.ReportOnly);
        Assert.Equal(TlsReportPolicy.Sts, fallback.Report!.PolicyType);
        Assert.Equal(TlsResultTypes.StsPolicyFetchError, fallback.Report.FailureType);
        Assert.Contains("404", fallback.Report.FailureReason);
    }

    [Fact]
    public async Task An_invalid_policy_is_reported_as_sts_policy_invalid()
    {
        Record("1");
        _fetcher.Served[Domain] = "version: STSv1\nmode: sometimes\nmx: *.example.com\nmax_age: 86400\n";
        var policy = await NewPolicies().PolicyAsync(Domain);
        Assert.Equal(TlsMode.Opportunistic, policy!.Mode);
        Assert.Equal(TlsResultTypes.StsPolicyInvalid, policy.Report!.FailureType);
    }

    [Fact]
    public async Task Testing_reports_only_and_enforce_verifies_and_both_name_the_policy_for_the_report()
    {
        Record("7");
        _fetcher.Served[Domain] = Enforce.Replace("enforce", "testing");
        var testing = await NewPolicies().PolicyAsync(Domain);
        Assert.True(testing!.ReportOnly);
        Assert.Equal(TlsMode.Opportunistic, testing.Mode);
        Assert.Equal(["version: STSv1", "mode: testing", "mx: *.example.com", "max_age: 86400"], testing.Report!.PolicyString);

        _cache.Entries.Clear();
        _fetcher.Served[Domain] = Enforce;
        var enforce = await NewPolicies().PolicyAsync(Domain);
        Assert.False(enforce!.ReportOnly);
        Assert.Equal(TlsMode.Verify, enforce.Mode);
        Assert.Equal("mode: enforce", enforce.Report!.PolicyString[1]);
    }

    [Fact]
    public async Task After_a_restart_the_stored_policy_holds_without_a_fetch()
    {
        Record("1");
        _fetcher.Served[Domain] = Enforce;
        await NewPolicies().PolicyAsync(Domain);

        _fetcher.Hold = new TaskCompletionSource();
        var restarted = NewPolicies();
        var policy = await restarted.PolicyAsync(Domain).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(TlsMode.Verify, policy!.Mode);
        _fetcher.Hold.SetResult();
        await restarted.BackgroundAsync();
        Assert.Equal(1, _fetcher.Fetches);
    }
}
