using System.Net;
using DnsClient;
using DnsClient.Protocol;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Dns;

/// <summary>
/// TXT, address and MX lookups through DnsClient.NET against the configured resolvers: without caching for
/// the record checks (they must see changes), with caching by TTL for delivery's MTA-STS records.
/// </summary>
public sealed class DnsClientTxtResolver : ITxtResolver
{
    readonly LookupClient _client;

    public DnsClientTxtResolver(DnsOptions options, bool cache = false) => _client = DnsLookupClients.Create(options, cache);

    async Task<DnsAnswer<T>> QueryAsync<T>(string name, QueryType type, Func<IDnsQueryResponse, IEnumerable<T>> select, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.QueryAsync(name, type, cancellationToken: cancellationToken);
            if (response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain)
                return DnsAnswer<T>.NoSuchName();
            if (response.HasError)
                return DnsAnswer<T>.Failure($"DNS error for {name}: {response.ErrorMessage}");
            return DnsAnswer<T>.Of(select(response).ToList());
        }
        catch (DnsResponseException ex)
        {
            return DnsAnswer<T>.Failure($"DNS error for {name}: {ex.Message}");
        }
    }

    public Task<DnsAnswer<string>> TxtAsync(string name, CancellationToken cancellationToken = default) =>
        QueryAsync(name, QueryType.TXT, r => r.Answers.TxtRecords().Select(t => string.Concat(t.Text)), cancellationToken);

    public async Task<DnsAnswer<IPAddress>> AddressesAsync(string name, CancellationToken cancellationToken = default)
    {
        var a = await QueryAsync(name, QueryType.A, r => r.Answers.ARecords().Select(x => x.Address), cancellationToken);
        if (a.Failed)
            return a;
        var aaaa = await QueryAsync(name, QueryType.AAAA, r => r.Answers.AaaaRecords().Select(x => x.Address), cancellationToken);
        if (aaaa.Failed)
            return aaaa;
        return new DnsAnswer<IPAddress>([.. a.Records, .. aaaa.Records], a.NameExists || aaaa.NameExists, null);
    }

    public Task<DnsAnswer<string>> PointerAsync(IPAddress address, CancellationToken cancellationToken = default) =>
        QueryAsync(ArpaName(address), QueryType.PTR, r => r.Answers.PtrRecords().Select(p => p.PtrDomainName.Value.TrimEnd('.')), cancellationToken);

    /// <summary>1.2.0.192.in-addr.arpa for 192.0.2.1; the nibbles in reverse under ip6.arpa for IPv6.</summary>
    static string ArpaName(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        if (bytes.Length == 4)
            return string.Join('.', bytes.Reverse().Select(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture))) + ".in-addr.arpa";
        var hex = Convert.ToHexStringLower(bytes);
        return string.Join('.', hex.Reverse()) + ".ip6.arpa";
    }

    public Task<DnsAnswer<string>> MxAsync(string domain, CancellationToken cancellationToken = default) =>
        QueryAsync(domain, QueryType.MX, r => r.Answers.MxRecords().OrderBy(m => m.Preference).Select(m => m.Exchange.Value.TrimEnd('.')), cancellationToken);
}
