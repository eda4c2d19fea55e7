using System.Globalization;
using System.Net;

namespace Outpost.Engine.Configuration;

/// <summary>The shapes configuration values come in (host names, endpoints, networks), parsed once for the validator and the doctor.</summary>
public static class ConfigurationValues
{
    /// <summary>A DNS host name: dot-separated labels of letters, digits and hyphens, at most 253 characters; no trailing dot.</summary>
    public static bool IsHostName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 253)
            return false;
        foreach (var label in name.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
                return false;
            if (!label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
                return false;
        }
        return true;
    }

    /// <summary>"address:port" with a port from 1 to 65535 ("[::1]:25" for IPv6).</summary>
    public static bool TryEndpoint(string? text, out IPEndPoint endpoint)
    {
        endpoint = null!;
        if (string.IsNullOrWhiteSpace(text) || !IPEndPoint.TryParse(text, out var parsed) || parsed.Port == 0)
            return false;
        // IPEndPoint.TryParse takes a bare address as port 0 and a bare number as an address; both are caught above or here.
        if (!text.Contains(':', StringComparison.Ordinal))
            return false;
        endpoint = parsed;
        return true;
    }

    /// <summary>A DNS server: "ip" or "ip:port".</summary>
    public static bool IsDnsServer(string text) =>
        IPAddress.TryParse(text, out _) || TryEndpoint(text, out _);

    /// <summary>"host", "host:port", "address", "address:port" or "[v6]:port"; the port defaults to <paramref name="defaultPort"/>.</summary>
    public static bool TryHostAndPort(string? text, int defaultPort, out string host, out int port)
    {
        host = "";
        port = defaultPort;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        text = text.Trim();
        if (IPAddress.TryParse(text, out _) && !text.StartsWith('['))
        {
            host = text;
            return true;
        }
        if (TryEndpoint(text, out var endpoint))
        {
            (host, port) = (endpoint.Address.ToString(), endpoint.Port);
            return true;
        }
        var colon = text.LastIndexOf(':');
        var name = colon < 0 ? text : text[..colon];
        if (colon >= 0 && (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65_535))
            return false;
        if (!IsHostName(name))
            return false;
        host = name;
        return true;
    }

    public static bool IsNetwork(string? text) => text is not null && IPNetwork.TryParse(text.Trim(), out _);

    /// <summary>True for a listener that only this machine can reach.</summary>
    public static bool IsLoopback(IPEndPoint endpoint) => IPAddress.IsLoopback(endpoint.Address);

    public static string Show(TimeSpan t) => t.ToString("c", CultureInfo.InvariantCulture);

    public static string Show(double d) => d.ToString(CultureInfo.InvariantCulture);

    public static string Show(long n) => n.ToString(CultureInfo.InvariantCulture);
}
