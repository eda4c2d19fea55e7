using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Delivery.Tls.Report;

namespace Outpost.Engine.Tests.Delivery.Tls.Report;

/// <summary>Counting sessions in memory, flushing them per UTC day, and the RFC 8460 JSON made of the counts.</summary>
public sealed class TlsReportCounterTests
{
    static readonly TlsReportPolicy Enforce = new(TlsReportPolicy.Sts, ["version: STSv1", "mode: enforce", "mx: *.example.com", "max_age: 86400"], ["*.example.com"]);

    sealed class ListStore : ITlsReportStore
    {
        public List<TlsReportCount> Rows { get; } = [];
        public bool Failing { get; set; }

        public Task AddAsync(IReadOnlyList<TlsReportCount> counts, CancellationToken cancellationToken = default)
        {
            if (Failing)
                throw new IOException("disk full");
            Rows.AddRange(counts);
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<TlsReportCount>> CountsAsync(string day, string? domain = null, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<TlsReportCount>>(Rows.Where(r => r.Day == day && (domain is null || r.Domain == domain)).ToList());

        public Task<bool> ClaimAsync(string day, string domain, string reportId, DateTimeOffset at, CancellationToken cancellationToken = default) => Task.FromResult(true);
        public Task ReleaseAsync(string day, string domain, CancellationToken cancellationToken = default) => Task.CompletedTask;
        public Task PurgeBeforeAsync(string day, CancellationToken cancellationToken = default) => Task.CompletedTask;
    }

    [Fact]
    public async Task Sessions_add_up_per_day_and_result_and_a_failed_flush_keeps_them()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 23, 59, 0, TimeSpan.Zero));
        var store = new ListStore();
        var counter = new TlsReportCounter(store, time, NullLogger<TlsReportCounter>.Instance);
        counter.Record(new TlsSessionResult("Example.com", Enforce, null, "mx1.example.com", "192.0.2.1"));
        counter.Record(new TlsSessionResult("example.com", Enforce, null, "mx2.example.com", "192.0.2.2"));
        counter.Record(new TlsSessionResult("example.com", Enforce, TlsResultTypes.CertificateExpired, "mx1.example.com", "192.0.2.1", "the certificate of mx1.example.com expired on 2026-11-01"));
        store.Failing = true;
        await Assert.ThrowsAsync<IOException>(() => counter.FlushAsync());
        store.Failing = false;
        time.Advance(TimeSpan.FromMinutes(2));
        counter.Record(new TlsSessionResult("example.com", Enforce, null, "mx1.example.com", "192.0.2.1"));
        await counter.FlushAsync();

        var first = store.Rows.Where(r => r.Day == "2026-12-01").ToList();
        Assert.Equal(2, first.Single(r => r.ResultType == "").Count);
        var failed = first.Single(r => r.ResultType == TlsResultTypes.CertificateExpired);
        Assert.Equal((1, "mx1.example.com", "192.0.2.1"), (failed.Count, failed.ReceivingMx, failed.ReceivingIp));
        Assert.Equal(1, store.Rows.Single(r => r.Day == "2026-12-02").Count);

        var report = TlsReportBuilder.Build("2026-12-01", "example.com", first, "Example Org", "tlsrpt@mail.example.net", "mail.example.net");
        using var json = JsonDocument.Parse(report.Json);
        var policy = json.RootElement.GetProperty("policies").EnumerateArray().Single();
        Assert.Equal("sts", policy.GetProperty("policy").GetProperty("policy-type").GetString());
        Assert.Equal(4, policy.GetProperty("policy").GetProperty("policy-string").GetArrayLength());
        Assert.Equal(2, policy.GetProperty("summary").GetProperty("total-successful-session-count").GetInt64());
        Assert.Equal(1, policy.GetProperty("summary").GetProperty("total-failure-session-count").GetInt64());
        Assert.Equal("certificate-expired", policy.GetProperty("failure-details")[0].GetProperty("result-type").GetString());
        Assert.Equal("2026-12-01T23:59:59Z", json.RootElement.GetProperty("date-range").GetProperty("end-datetime").GetString());
    }

    [Fact]
    public async Task No_policy_found_has_neither_policy_string_nor_mx_host()
    {
        var store = new ListStore();
        var counter = new TlsReportCounter(store, new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero)), NullLogger<TlsReportCounter>.Instance);
        counter.Record(new TlsSessionResult("plain.example", TlsReportPolicy.None, TlsResultTypes.StartTlsNotSupported, "mx.plain.example", "192.0.2.9", "no STARTTLS"));
        await counter.FlushAsync();
        var report = TlsReportBuilder.Build("2026-12-01", "plain.example", store.Rows, "o", "c@example.net", "mail.example.net");
        var policy = JsonDocument.Parse(report.Json).RootElement.GetProperty("policies")[0].GetProperty("policy");
        Assert.Equal("no-policy-found", policy.GetProperty("policy-type").GetString());
        Assert.False(policy.TryGetProperty("policy-string", out _));
        Assert.False(policy.TryGetProperty("mx-host", out _));
    }
}
