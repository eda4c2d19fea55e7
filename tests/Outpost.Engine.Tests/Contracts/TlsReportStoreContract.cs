using Outpost.Engine.Delivery.Tls.Report;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>The TLS-RPT store on every back end: counts add up per key, a report is claimed once, a claim can be given back, old days go.</summary>
public abstract class TlsReportStoreContract : StoreContract
{
    static TlsReportCount Row(string day, string domain, string result, long count, string mx = "") =>
        new(day, domain, "sts", "version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 86400", "*.example.com", result, mx, mx.Length == 0 ? "" : "192.0.2.1",
            result.Length == 0 ? "" : "the certificate expired", count);

    [Fact]
    public async Task Counts_add_up_per_key_and_are_read_per_day_and_domain()
    {
        var store = Stores.TlsReports;
        await store.AddAsync([Row("2026-12-01", "example.com", "", 3), Row("2026-12-01", "example.com", "certificate-expired", 1, "mx1.example.com")]);
        await store.AddAsync([Row("2026-12-01", "example.com", "", 2), Row("2026-12-01", "other.example", "", 1), Row("2026-12-02", "example.com", "", 7)]);

        var rows = await store.CountsAsync("2026-12-01", "example.com");
        Assert.Equal(5, rows.Single(r => r.ResultType == "").Count);
        var failed = rows.Single(r => r.ResultType == "certificate-expired");
        Assert.Equal(("mx1.example.com", "192.0.2.1", "the certificate expired", 1L), (failed.ReceivingMx, failed.ReceivingIp, failed.Reason, failed.Count));
        Assert.Equal("version: STSv1\nmode: enforce\nmx: *.example.com\nmax_age: 86400", failed.PolicyString);
        Assert.Equal(["example.com", "example.com", "other.example"], (await store.CountsAsync("2026-12-01")).Select(r => r.Domain));
        Assert.Empty(await store.CountsAsync("2026-11-30"));
    }

    [Fact]
    public async Task A_report_is_claimed_once_unless_given_back_and_old_days_are_purged()
    {
        var store = Stores.TlsReports;
        Assert.True(await store.ClaimAsync("2026-12-01", "example.com", "id-1", Now));
        Assert.False(await store.ClaimAsync("2026-12-01", "example.com", "id-1", Now));
        Assert.True(await store.ClaimAsync("2026-12-02", "example.com", "id-2", Now));
        await store.ReleaseAsync("2026-12-02", "example.com");
        Assert.True(await store.ClaimAsync("2026-12-02", "example.com", "id-2", Now));

        await store.AddAsync([Row("2026-11-01", "example.com", "", 1), Row("2026-12-01", "example.com", "", 1)]);
        await store.ClaimAsync("2026-11-01", "example.com", "id-0", Now);
        await store.PurgeBeforeAsync("2026-11-15");
        Assert.Empty(await store.CountsAsync("2026-11-01"));
        Assert.Single(await store.CountsAsync("2026-12-01"));
        Assert.True(await store.ClaimAsync("2026-11-01", "example.com", "id-0", Now));
    }
}
