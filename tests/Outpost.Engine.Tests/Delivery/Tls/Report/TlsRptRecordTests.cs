using Outpost.Engine.Delivery.Tls.Report;

namespace Outpost.Engine.Tests.Delivery.Tls.Report;

/// <summary>The _smtp._tls record (RFC 8460 §3): mailto addresses only, strictly, one record.</summary>
public sealed class TlsRptRecordTests
{
    [Fact]
    public void The_mailto_addresses_are_used_and_https_ones_left_out()
    {
        var (addresses, error) = TlsRptRecord.Addresses(["v=spf1 -all", "v=TLSRPTv1; rua=mailto:tls%2Breports@example.com, https://reports.example.com/tlsrpt,mailto:b@example.net"]);
        Assert.Null(error);
        Assert.Equal(["tls+reports@example.com", "b@example.net"], addresses);
    }

    [Theory]
    [InlineData("v=STSv1; id=1;", "no TLS-RPT record")]
    [InlineData("v=TLSRPTv1;", "the TLS-RPT record has no rua")]
    [InlineData("v=TLSRPTv1; rua=https://example.com/r", "the TLS-RPT record names no mailto address")]
    [InlineData("v=TLSRPTv1; rua=mailto:not-an-address", "the TLS-RPT record names no mailto address")]
    [InlineData("v=TLSRPTv1x; rua=mailto:a@example.com", "the TLS-RPT record does not start with v=TLSRPTv1")]
    public void Anything_else_gives_no_address_and_says_why(string record, string why)
    {
        var (addresses, error) = TlsRptRecord.Addresses([record]);
        Assert.Empty(addresses);
        Assert.Equal(why, error);
    }

    [Fact]
    public void Two_records_give_none_and_many_addresses_are_capped()
    {
        Assert.Equal("more than one TLS-RPT record", TlsRptRecord.Addresses(["v=TLSRPTv1; rua=mailto:a@example.com", "v=TLSRPTv1; rua=mailto:b@example.com"]).Error);
        var many = "v=TLSRPTv1; rua=" + string.Join(',', Enumerable.Range(0, 20).Select(i => $"mailto:r{i}@example.com"));
        Assert.Equal(TlsRptRecord.MaxAddresses, TlsRptRecord.Addresses([many]).Addresses.Count);
    }
}
