using System.Net;

namespace Outpost.Smtp;

/// <summary>
/// Counts open connections in all and per client address, and says which limit a new one would break.
/// One address opening thousands of idle connections must not shut everybody else out, so each address
/// gets a share; the host itself and trusted networks (application servers that pool) a larger one.
/// Memory is bounded by the connections open: an address's entry goes when its last connection closes.
/// </summary>
internal sealed class ConnectionLimits(SmtpServerOptions options)
{
    public static readonly SmtpReply TooManyInAll = new(421, "4.7.0", "Too many connections; try again later");
    public static readonly SmtpReply TooManyFromAddress = new(421, "4.7.0", "Too many connections from your address; try again later");

    readonly Dictionary<IPAddress, int> _perAddress = [];
    int _total;

    /// <summary>Takes a slot for <paramref name="address"/>, or returns the refusal; a taken slot is given back with <see cref="Release"/>.</summary>
    public SmtpReply? TryAcquire(IPAddress address)
    {
        address = Normalize(address);
        var limit = IsTrusted(address) ? options.MaxConnectionsPerTrustedAddress : options.MaxConnectionsPerAddress;
        var key = Key(address);
        lock (_perAddress)
        {
            if (_total >= options.MaxConnections)
                return TooManyInAll;
            _perAddress.TryGetValue(key, out var open);
            if (open >= limit)
                return TooManyFromAddress;
            _perAddress[key] = open + 1;
            _total++;
            return null;
        }
    }

    public void Release(IPAddress address)
    {
        address = Key(Normalize(address));
        lock (_perAddress)
        {
            _total--;
            if (_perAddress.TryGetValue(address, out var open))
            {
                if (open <= 1)
                    _perAddress.Remove(address);
                else
                    _perAddress[address] = open - 1;
            }
        }
    }

    bool IsTrusted(IPAddress address)
    {
        // Only the host's own addresses, not all of 127.0.0.0/8: a local webmail or script is the operator's own.
        if (address.Equals(IPAddress.Loopback) || address.Equals(IPAddress.IPv6Loopback))
            return true;
        foreach (var network in options.TrustedNetworks)
            if (network.Contains(address))
                return true;
        return false;
    }

    static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>
    /// What one client is counted as: its IPv4 address, or its IPv6 /64 (one subscriber's network: a client
    /// that rotates through its own /64 would otherwise get a fresh allowance with every address).
    /// </summary>
    static IPAddress Key(IPAddress address)
    {
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
            return address;
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
