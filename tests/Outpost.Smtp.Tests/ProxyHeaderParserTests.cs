using System.Net;
using System.Text;
using Outpost.Smtp.Proxy;

namespace Outpost.Smtp.Tests;

public class ProxyHeaderParserTests
{
    static byte[] V2(byte command, byte family, byte[] body) =>
        [.. ProxyHeaderParser.Signature, (byte)(0x20 | command), family, (byte)(body.Length >> 8), (byte)body.Length, .. body];

    static byte[] Inet4Body(params byte[] tlvs) =>
        [192, 0, 2, 7, 10, 0, 0, 1, 0xC3, 0x50, 0x02, 0x4B, .. tlvs]; // 192.0.2.7:50000 -> 10.0.0.1:587

    [Fact]
    public void V1_tcp4_names_the_client_and_ends_at_crlf()
    {
        var bytes = Encoding.ASCII.GetBytes("PROXY TCP4 192.0.2.7 10.0.0.1 50000 587\r\nEHLO x\r\n");
        var result = ProxyHeaderParser.Parse(bytes);
        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 50000), result.Header!.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 587), result.Header.Destination);
        Assert.Equal("PROXY TCP4 192.0.2.7 10.0.0.1 50000 587\r\n".Length, result.Length);
    }

    [Fact]
    public void V1_tcp6_names_the_client()
    {
        var result = ProxyHeaderParser.Parse(Encoding.ASCII.GetBytes("PROXY TCP6 2001:db8::7 2001:db8::1 4000 465\r\n"));
        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Equal(IPAddress.Parse("2001:db8::7"), result.Header!.Source!.Address);
        Assert.Equal(465, result.Header.Destination!.Port);
    }

    [Fact]
    public void V1_unknown_keeps_the_connections_own_addresses()
    {
        var result = ProxyHeaderParser.Parse(Encoding.ASCII.GetBytes("PROXY UNKNOWN ffff:f...f:ffff 1 2\r\n"));
        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Null(result.Header!.Source);
    }

    [Theory]
    [InlineData("PROXY TCP4 192.0.2.7 10.0.0.1 50000\r\n")]          // a port missing
    [InlineData("PROXY TCP4 2001:db8::7 10.0.0.1 50000 587\r\n")]    // IPv6 under TCP4
    [InlineData("PROXY TCP6 192.0.2.7 10.0.0.1 50000 587\r\n")]      // IPv4 under TCP6
    [InlineData("PROXY TCP4 1 10.0.0.1 50000 587\r\n")]              // not a dotted quad
    [InlineData("PROXY TCP4 192.0.2.7 10.0.0.1 70000 587\r\n")]      // port out of range
    [InlineData("PROXY TCP4 192.0.2.7 10.0.0.1 050 587\r\n")]        // leading zero
    [InlineData("PROXY UDP4 192.0.2.7 10.0.0.1 50000 587\r\n")]
    [InlineData("PROXY TCP4 192.0.2.7 10.0.0.1 50000 587\n")]        // bare LF
    [InlineData("PROXY TCP4  192.0.2.7 10.0.0.1 50000 587\r\n")]     // double space
    [InlineData("EHLO client.example\r\n")]                           // wrong signature
    [InlineData("PROXX TCP4 192.0.2.7 10.0.0.1 50000 587\r\n")]
    public void V1_malformed_is_invalid(string text) =>
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(Encoding.ASCII.GetBytes(text)).Status);

    [Fact]
    public void V1_longer_than_107_bytes_is_invalid_without_waiting_for_more()
    {
        var text = "PROXY UNKNOWN " + new string('x', 100);
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(Encoding.ASCII.GetBytes(text)).Status);
    }

    [Fact]
    public void A_header_split_across_packets_needs_more_until_whole()
    {
        var v1 = Encoding.ASCII.GetBytes("PROXY TCP4 192.0.2.7 10.0.0.1 50000 587\r\n");
        for (var cut = 1; cut < v1.Length; cut++)
            Assert.Equal(ProxyParseStatus.NeedMore, ProxyHeaderParser.Parse(v1.AsSpan(0, cut)).Status);
        var v2 = V2(1, 0x11, Inet4Body());
        for (var cut = 1; cut < v2.Length; cut++)
            Assert.Equal(ProxyParseStatus.NeedMore, ProxyHeaderParser.Parse(v2.AsSpan(0, cut)).Status);
        Assert.Equal(ProxyParseStatus.Complete, ProxyHeaderParser.Parse(v2).Status);
    }

    [Fact]
    public void V2_proxy_over_tcp4_names_the_client_and_ignores_unknown_tlvs()
    {
        // An ALPN TLV, an unknown type 0xE5 and a NOOP, all skipped.
        byte[] tlvs = [0x01, 0x00, 0x04, (byte)'s', (byte)'m', (byte)'t', (byte)'p', 0xE5, 0x00, 0x01, 0xFF, 0x04, 0x00, 0x00];
        var bytes = V2(1, 0x11, Inet4Body(tlvs));
        var result = ProxyHeaderParser.Parse([.. bytes, 0x16, 0x03, 0x01]); // a TLS ClientHello may follow at once
        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Equal(bytes.Length, result.Length);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 50000), result.Header!.Source);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.0.0.1"), 587), result.Header.Destination);
    }

    [Fact]
    public void V2_proxy_over_tcp6_names_the_client()
    {
        var source = IPAddress.Parse("2001:db8::7").GetAddressBytes();
        var destination = IPAddress.Parse("2001:db8::1").GetAddressBytes();
        var result = ProxyHeaderParser.Parse(V2(1, 0x21, [.. source, .. destination, 0x10, 0x00, 0x01, 0xD1]));
        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 4096), result.Header!.Source);
        Assert.Equal(465, result.Header.Destination!.Port);
    }

    [Fact]
    public void V2_local_is_the_proxys_own_connection()
    {
        var result = ProxyHeaderParser.Parse(V2(0, 0x00, []));
        Assert.Equal(ProxyParseStatus.Complete, result.Status);
        Assert.Null(result.Header!.Source);
        Assert.Equal(16, result.Length);
    }

    [Fact]
    public void V2_truncated_address_block_or_tlv_is_invalid()
    {
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(V2(1, 0x11, [192, 0, 2, 7])).Status);
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(V2(1, 0x11, Inet4Body(0x01, 0x00, 0x09, 0x41))).Status);
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(V2(1, 0x11, Inet4Body(0x01, 0x00))).Status);
    }

    [Fact]
    public void V2_length_past_the_bound_is_invalid_before_the_body_arrives()
    {
        byte[] header = [.. ProxyHeaderParser.Signature, 0x21, 0x11, 0xFF, 0xFF];
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(header).Status);
    }

    [Fact]
    public void V2_wrong_version_command_or_transport_is_invalid()
    {
        byte[] v1Version = [.. ProxyHeaderParser.Signature, 0x11, 0x11, 0x00, 0x0C, .. Inet4Body()];
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(v1Version).Status);
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(V2(2, 0x11, Inet4Body())).Status);
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(V2(1, 0x12, Inet4Body())).Status); // UDP
    }

    [Fact]
    public void V2_wrong_signature_is_invalid()
    {
        var bytes = V2(1, 0x11, Inet4Body());
        bytes[7] = (byte)'X';
        Assert.Equal(ProxyParseStatus.Invalid, ProxyHeaderParser.Parse(bytes).Status);
    }
}
