using System.Net;
using DnsClient;
using DnsClient.Protocol;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Dns;

/// <summary>
/// A host name's addresses (A and AAAA) through the configured name servers (<c>Dns:Servers</c>, answers
/// cached by their TTL), for names customers give, such as a webhook URL's host: the caller's address
/// guard then sees what the connection will dial, and tests resolve from their own DNS server. (A
/// relay's host name, the operator's own, is asked of the system's resolver: <see cref="HostAddresses"/>.)
/// </summary>
public sealed class DnsAddressResolver(DnsOptions options)
{
    readonly LookupClient _client = DnsLookupClients.Create(options, cache: true);

    public async Task<IReadOnlyList<IPAddress>> ResolveAsync(string host, CancellationToken cancellationToken = default)
    {
        var addresses = new List<IPAddress>();
        foreach (var type in new[] { QueryType.A, QueryType.AAAA })
        {
            var response = await _client.QueryAsync(host, type, cancellationToken: cancellationToken);
            addresses.AddRange(response.Answers.OfType<ARecord>().Select(a => a.Address));
            addresses.AddRange(response.Answers.OfType<AaaaRecord>().Select(a => a.Address));
        }
        return addresses;
    }
}
