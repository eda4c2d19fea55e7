using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Outpost.Smtp.Proxy;

/// <summary>
/// Parses the PROXY protocol header (versions 1 and 2, as HAProxy's specification defines them) that a TCP
/// load balancer puts before the client's bytes. Pure: it looks only at the bytes given and never reads on.
/// Security stance: every length is bounded (v1 at most 107 bytes, v2 at most <see cref="MaxV2Length"/>
/// after its 16-byte preamble), every address is checked for its family, v2 TLVs are walked only within the
/// header and unknown ones ignored; a header that breaks any rule is invalid, never partly believed.
/// </summary>
public static class ProxyHeaderParser
{
    /// <summary>v1: "PROXY TCP6 " + two full IPv6 addresses + two ports + CRLF, the specification's worst case.</summary>
    public const int MaxV1Length = 107;

    /// <summary>
    /// The largest v2 address-and-TLV block taken. The protocol allows 65535; a load balancer sends the addresses
    /// (at most 216 bytes for UNIX sockets) and a few TLVs (ALPN, authority, TLS details), so this is ample.
    /// </summary>
    public const int MaxV2Length = 1024;

    static readonly byte[] V1Prefix = "PROXY "u8.ToArray();
    static readonly byte[] V2Signature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    /// <summary>The v2 signature, so that a session can tell a misplaced v2 header from a stray blank line.</summary>
    public static ReadOnlySpan<byte> Signature => V2Signature;

    public static ProxyParseResult Parse(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
            return ProxyParseResult.NeedMore;
        if (data[0] == (byte)'P')
            return ParseV1(data);
        if (data[0] == 0x0D)
            return ParseV2(data);
        return ProxyParseResult.Invalid("it does not begin with a PROXY protocol signature");
    }

    static ProxyParseResult ParseV1(ReadOnlySpan<byte> data)
    {
        var prefix = Math.Min(data.Length, V1Prefix.Length);
        if (!data[..prefix].SequenceEqual(V1Prefix.AsSpan(0, prefix)))
            return ProxyParseResult.Invalid("it does not begin with a PROXY protocol signature");
        var window = data[..Math.Min(data.Length, MaxV1Length)];
        var end = window.IndexOf("\r\n"u8);
        if (end < 0)
        {
            if (window.IndexOf((byte)'\n') >= 0)
                return ProxyParseResult.Invalid("its line does not end in CRLF");
            return data.Length >= MaxV1Length ? ProxyParseResult.Invalid($"its line is longer than {MaxV1Length} bytes") : ProxyParseResult.NeedMore;
        }
        var line = window[..end];
        foreach (var b in line)
            if (b < 0x20 || b > 0x7E)
                return ProxyParseResult.Invalid("its line holds a character that is not printable ASCII");
        var parts = Encoding.ASCII.GetString(line).Split(' ');
        var length = end + 2;
        if (parts.Length >= 2 && parts[1] == "UNKNOWN")
            return new ProxyParseResult(ProxyParseStatus.Complete, new ProxyHeader(1, null, null), length);
        if (parts.Length != 6 || parts[1] is not ("TCP4" or "TCP6"))
            return ProxyParseResult.Invalid("its line is not PROXY TCP4|TCP6 source destination source-port destination-port");
        var family = parts[1] == "TCP4" ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;
        if (!TryAddress(parts[2], family, out var source) || !TryAddress(parts[3], family, out var destination))
            return ProxyParseResult.Invalid($"its addresses are not {parts[1]} addresses");
        if (!TryPort(parts[4], out var sourcePort) || !TryPort(parts[5], out var destinationPort))
            return ProxyParseResult.Invalid("its ports are not numbers from 0 to 65535");
        return new ProxyParseResult(ProxyParseStatus.Complete,
            new ProxyHeader(1, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort)), length);
    }

    static bool TryAddress(string text, AddressFamily family, out IPAddress address)
    {
        address = IPAddress.None;
        // IPAddress.TryParse takes "1" or "0x7f.1" for IPv4; the protocol allows only the dotted quad.
        if (family == AddressFamily.InterNetwork && (text.Count(c => c == '.') != 3 || text.Any(c => c is not (>= '0' and <= '9' or '.'))))
            return false;
        if (family == AddressFamily.InterNetworkV6 && (!text.Contains(':') || text.Contains('%')))
            return false;
        if (!IPAddress.TryParse(text, out var parsed) || parsed.AddressFamily != family)
            return false;
        address = parsed;
        return true;
    }

    static bool TryPort(string text, out int port)
    {
        port = 0;
        if (text.Length is 0 or > 5 || text.Any(c => c is < '0' or > '9') || (text.Length > 1 && text[0] == '0'))
            return false;
        port = int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        return port <= 65_535;
    }

    static ProxyParseResult ParseV2(ReadOnlySpan<byte> data)
    {
        var prefix = Math.Min(data.Length, V2Signature.Length);
        if (!data[..prefix].SequenceEqual(V2Signature.AsSpan(0, prefix)))
            return ProxyParseResult.Invalid("it does not begin with a PROXY protocol signature");
        if (data.Length < 16)
            return ProxyParseResult.NeedMore;
        var version = data[12] >> 4;
        var command = data[12] & 0x0F;
        if (version != 2)
            return ProxyParseResult.Invalid($"its version is {version}, not 2");
        if (command > 1)
            return ProxyParseResult.Invalid($"its command {command} is neither LOCAL nor PROXY");
        var family = data[13] >> 4;
        var transport = data[13] & 0x0F;
        int length = BinaryPrimitives.ReadUInt16BigEndian(data.Slice(14, 2));
        if (length > MaxV2Length)
            return ProxyParseResult.Invalid($"its length {length} is more than the {MaxV2Length} bytes taken");
        if (data.Length < 16 + length)
            return ProxyParseResult.NeedMore;
        var body = data.Slice(16, length);
        var total = 16 + length;
        if (command == 0)
            return new ProxyParseResult(ProxyParseStatus.Complete, new ProxyHeader(2, null, null), total); // LOCAL: the proxy's own health check.
        if (transport == 2)
            return ProxyParseResult.Invalid("it describes a datagram connection, not TCP");
        if (transport > 2 || family > 3)
            return ProxyParseResult.Invalid("its address family or transport is not defined");

        var addressLength = family switch { 1 => 12, 2 => 36, 3 => 216, _ => 0 };
        if (body.Length < addressLength)
            return ProxyParseResult.Invalid("its address block is shorter than its family needs");
        if (!TlvsFit(body[addressLength..]))
            return ProxyParseResult.Invalid("its TLVs run past the end of the header");

        // Only TCP over IPv4 and IPv6 names a client to believe; UNIX sockets and UNSPEC keep the connection's own.
        if (transport != 1 || family is not (1 or 2))
            return new ProxyParseResult(ProxyParseStatus.Complete, new ProxyHeader(2, null, null), total);
        var size = family == 1 ? 4 : 16;
        var source = new IPAddress(body[..size]);
        var destination = new IPAddress(body.Slice(size, size));
        var sourcePort = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(2 * size, 2));
        var destinationPort = BinaryPrimitives.ReadUInt16BigEndian(body.Slice(2 * size + 2, 2));
        return new ProxyParseResult(ProxyParseStatus.Complete,
            new ProxyHeader(2, new IPEndPoint(source, sourcePort), new IPEndPoint(destination, destinationPort)), total);
    }

    /// <summary>Each TLV is a type byte, a 16-bit length and that many bytes; all must end exactly at the header's end.</summary>
    static bool TlvsFit(ReadOnlySpan<byte> tlvs)
    {
        while (!tlvs.IsEmpty)
        {
            if (tlvs.Length < 3)
                return false;
            var length = BinaryPrimitives.ReadUInt16BigEndian(tlvs.Slice(1, 2));
            if (tlvs.Length < 3 + length)
                return false;
            tlvs = tlvs[(3 + length)..];
        }
        return true;
    }
}
