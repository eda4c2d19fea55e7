using System.Net;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Submission;

/// <summary>
/// The configured trusted networks (Postfix's mynetworks, but each bound to one hosted domain): a client
/// inside one may send as that domain on the relay listener without AUTH.
/// </summary>
public sealed class TrustedNetworks
{
    readonly List<(IPNetwork Network, string Domain)> _networks = [];

    public TrustedNetworks(IEnumerable<TrustedNetworkOptions> options)
    {
        foreach (var option in options)
        {
            if (!IPNetwork.TryParse(option.Cidr, out var network))
                throw new ArgumentException($"TrustedNetworks: '{option.Cidr}' is not a network in CIDR form (e.g. 10.0.0.0/24).");
            var domain = Outpost.Smtp.AddressParser.NormalizeDomain(option.Domain)
                ?? throw new ArgumentException($"TrustedNetworks: '{option.Domain}' is not a domain name.");
            _networks.Add((network, domain));
        }
    }

    /// <summary>The domain bound to the most specific network that holds the address, or null.</summary>
    public string? DomainFor(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        string? best = null;
        var bestPrefix = -1;
        foreach (var (network, domain) in _networks)
        {
            if (network.Contains(address) && network.PrefixLength > bestPrefix)
            {
                best = domain;
                bestPrefix = network.PrefixLength;
            }
        }
        return best;
    }
}
