using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Outpost.Engine.Configuration;

/// <summary>Reads <c>Delivery:Local:Lmtp</c>: an IP address and port, or the absolute path of a Unix socket.</summary>
public static class LmtpEndpoint
{
    /// <summary>A Unix socket's path must fit sun_path (108 bytes with its terminating zero).</summary>
    const int MaxSocketPath = 107;

    public static bool TryParse(string? text, out EndPoint endpoint)
    {
        endpoint = new IPEndPoint(IPAddress.None, 0);
        if (string.IsNullOrWhiteSpace(text))
            return false;
        text = text.Trim();
        if (text.StartsWith('/'))
        {
            if (Encoding.UTF8.GetByteCount(text) > MaxSocketPath || text.Contains('\0', StringComparison.Ordinal))
                return false;
            endpoint = new UnixDomainSocketEndPoint(text);
            return true;
        }
        if (!IPEndPoint.TryParse(text, out var ip) || ip.Port == 0)
            return false;
        endpoint = ip;
        return true;
    }

    public static Socket NewSocket(EndPoint endpoint) => endpoint is UnixDomainSocketEndPoint
        ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        : new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
}
