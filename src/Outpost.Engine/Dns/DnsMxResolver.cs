using System.Net;
using DnsClient;
using DnsClient.Protocol;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Dns;

/// <summary>
/// MX lookup by RFC 5321 §5.1 through DnsClient.NET against the configured name servers: MX records by
/// preference (equal ones shuffled), their A and AAAA addresses; the domain's own addresses when it has
/// no MX; null MX (RFC 7505) and a missing domain are final answers, a failing resolver a temporary one.
/// </summary>
public sealed class DnsMxResolver : IMxResolver
{
    readonly LookupClient _client;

    public DnsMxResolver(DnsOptions options) => _client = DnsLookupClients.Create(options, cache: true);

    public async Task<MxResolution> ResolveAsync(string domain, CancellationToken cancellationToken = default)
    {
        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryAsync(domain, QueryType.MX, cancellationToken: cancellationToken);
        }
        catch (DnsResponseException ex)
        {
            return Temporary(ex.Message);
        }
        if (response.HasError)
        {
            return response.Header.ResponseCode == DnsHeaderResponseCode.NotExistentDomain
                ? new MxResolution(MxResolutionStatus.NoSuchDomain, [], $"{domain} does not exist")
                : Temporary($"DNS error for {domain}: {response.ErrorMessage}");
        }

        var mx = response.Answers.MxRecords().ToList();
        if (mx.Count == 1 && IsRoot(mx[0].Exchange.Value))
            return new MxResolution(MxResolutionStatus.NullMx, [], $"{domain} has a null MX");

        if (mx.Count == 0)
        {
            var own = await AddressesAsync(domain, cancellationToken);
            if (own.Error is not null)
                return Temporary(own.Error);
            return own.Addresses.Count == 0
                ? new MxResolution(MxResolutionStatus.NoMailHost, [], $"{domain} has no MX and no address")
                : new MxResolution(MxResolutionStatus.Ok, [new MxHost(domain, 0, own.Addresses)], "implicit MX");
        }

        var hosts = new List<MxHost>();
        string? lastError = null;
        foreach (var group in mx.Where(r => !IsRoot(r.Exchange.Value)).GroupBy(r => r.Preference).OrderBy(g => g.Key))
        {
            foreach (var record in group.OrderBy(_ => Random.Shared.Next()))
            {
                var name = record.Exchange.Value.TrimEnd('.');
                var found = await AddressesAsync(name, cancellationToken);
                if (found.Error is not null)
                    lastError = found.Error;
                if (found.Addresses.Count > 0)
                    hosts.Add(new MxHost(name, record.Preference, found.Addresses));
            }
        }
        return hosts.Count > 0
            ? new MxResolution(MxResolutionStatus.Ok, hosts, "MX")
            : Temporary(lastError ?? $"no MX host of {domain} has an address");
    }

    async Task<(IReadOnlyList<IPAddress> Addresses, string? Error)> AddressesAsync(string host, CancellationToken cancellationToken)
    {
        var addresses = new List<IPAddress>();
        string? error = null;
        foreach (var type in new[] { QueryType.A, QueryType.AAAA })
        {
            try
            {
                var response = await _client.QueryAsync(host, type, cancellationToken: cancellationToken);
                if (response.HasError && response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain)
                    error = $"DNS error for {host}: {response.ErrorMessage}";
                addresses.AddRange(response.Answers.OfType<ARecord>().Select(a => a.Address));
                addresses.AddRange(response.Answers.OfType<AaaaRecord>().Select(a => a.Address));
            }
            catch (DnsResponseException ex)
            {
                error = ex.Message;
            }
        }
        return (addresses, addresses.Count > 0 ? null : error);
    }

    static bool IsRoot(string name) => name is "." or "";

    static MxResolution Temporary(string reason) => new(MxResolutionStatus.TemporaryFailure, [], reason);
}
