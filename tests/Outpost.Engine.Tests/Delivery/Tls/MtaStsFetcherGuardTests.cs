using System.Net;
using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Configuration;
using Outpost.Engine.Delivery.Tls;
using Outpost.Engine.Delivery.Tls.MtaSts;
using Outpost.Engine.Delivery.Tls.Report;

namespace Outpost.Engine.Tests.Delivery.Tls;

/// <summary>The SSRF guard of the MTA-STS fetch: a policy host on a private, loopback or link-local address is refused before any connection, unless Tls:MtaStsAllowPrivate.</summary>
public sealed class MtaStsFetcherGuardTests
{
    static MtaStsFetcher Fetcher(FakeDns dns, bool allowPrivate, int port = 9) =>
        new(new TlsOptions { MtaStsPort = port, MtaStsAllowPrivate = allowPrivate }, dns, new CertificateVerifier(new TlsOptions(), new FakeTimeProvider()));

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("192.168.0.10")]
    [InlineData("169.254.169.254")]
    [InlineData("::1")]
    [InlineData("fe80::1")]
    public async Task A_policy_host_on_a_private_address_is_refused(string address)
    {
        var dns = new FakeDns();
        dns.A["mta-sts.example.com"] = [IPAddress.Parse(address)];
        using var fetcher = Fetcher(dns, allowPrivate: false);
        var (text, error, type) = await fetcher.FetchAsync("example.com", CancellationToken.None);
        Assert.Null(text);
        Assert.Contains($"mta-sts.example.com is {IPAddress.Parse(address)}, which is not a public address; MTA-STS policies are fetched from public addresses only (Tls:MtaStsAllowPrivate).", error);
        Assert.Equal(TlsResultTypes.StsPolicyFetchError, type);
    }

    [Fact]
    public async Task Allowed_for_tests_it_connects_to_loopback()
    {
        // Port 9 on loopback: nobody listens, so the connection is refused, which shows it was tried.
        var dns = new FakeDns();
        dns.A["mta-sts.example.com"] = [IPAddress.Loopback];
        using var fetcher = Fetcher(dns, allowPrivate: true);
        var (_, error, type) = await fetcher.FetchAsync("example.com", CancellationToken.None);
        Assert.DoesNotContain("not a public address", error);
        Assert.Contains("cannot be fetched", error);
        Assert.Equal(TlsResultTypes.StsPolicyFetchError, type);
    }

    [Fact]
    public void The_option_is_a_development_setting()
    {
        var options = new OutpostOptions();
        options.Tls.MtaStsAllowPrivate = true;
        var problem = OptionsValidator.Check(options).Single(p => p.Key == "Tls:MtaStsAllowPrivate");
        Assert.True(problem.Placeholder);
    }
}
