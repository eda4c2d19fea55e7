using System.Net;
using System.Net.Sockets;

namespace Outpost.Engine.Webhooks;

/// <summary>
/// Which addresses a domain's webhooks may connect to: public ones only, unless the operator allows
/// private networks. A customer's URL must not reach the provider's own network (loopback, RFC 1918,
/// carrier-grade NAT, link-local with its cloud metadata address, unique-local IPv6, and the reserved,
/// documentation and multicast ranges); IPv4 mapped or NAT64-embedded in IPv6 counts as that IPv4 address.
/// Checked for every connection, on the address actually dialled, so a name that resolves elsewhere later
/// is caught.
/// </summary>
public static class WebhookAddressGuard
{
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily == AddressFamily.InterNetwork)
            return IsPublicV4(address.GetAddressBytes());
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return false;
        var b = address.GetAddressBytes();
        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast)
            return false;
        if ((b[0] & 0xfe) == 0xfc)
            return false; // fc00::/7 unique local
        if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
            return false; // 2001:db8::/32 documentation
        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.Skip(4).Take(8).All(x => x == 0))
            return IsPublicV4(b[12..]); // 64:ff9b::/96 NAT64
        return true;
    }

    static bool IsPublicV4(byte[] b) => !(
        b[0] is 0 or 10 or 127 || b[0] >= 224 ||
        b[0] == 100 && b[1] is >= 64 and <= 127 ||
        b[0] == 169 && b[1] == 254 ||
        b[0] == 172 && b[1] is >= 16 and <= 31 ||
        b[0] == 192 && b[1] == 168 ||
        b[0] == 192 && b[1] == 0 && b[2] is 0 or 2 ||
        b[0] == 198 && b[1] is 18 or 19 ||
        b[0] == 198 && b[1] == 51 && b[2] == 100 ||
        b[0] == 203 && b[1] == 0 && b[2] == 113);
}
