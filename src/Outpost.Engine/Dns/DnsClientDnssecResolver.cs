using System.Net;
using DnsClient;
using DnsClient.Protocol;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Dns;

/// <summary>
/// MX and TLSA lookups for DANE (RFC 7672 §2.1) through DnsClient.NET with the DO bit set, asking only the
/// resolvers trusted to validate: <c>Dns:ValidatingResolvers</c> when given, otherwise those of
/// <c>Dns:Servers</c> (or of the system's resolvers) on loopback. An answer with the AD bit from one of them
/// is secure; without it, insecure; SERVFAIL (what a validating resolver answers for bogus data), another
/// error or a timeout is a failure that tells nothing. Answers are cached by their TTL (failures 5 s), so a
/// delivery costs no lookup between changes.
/// Talks to: the validating resolvers only.
/// Security stance: the AD bit is believed only from a resolver on this machine or one the operator named
/// (RFC 6698 §A.1: a bit anyone on the path can set proves nothing); with no such resolver nothing is
/// secure, so DANE never applies rather than applying on a forged bit.
/// </summary>
public sealed class DnsClientDnssecResolver : IDnssecResolver
{
    readonly LookupClient? _client;

    public DnsClientDnssecResolver(DnsOptions options)
    {
        var servers = Trusted(options);
        if (servers.Count > 0)
            _client = DnsLookupClients.Create(servers, options.Timeout, cache: true, dnssec: true);
    }

    public bool Available => _client is not null;

    /// <summary>The resolvers whose AD bit is believed: the ones named as validating, else the configured (or system) ones on loopback.</summary>
    public static IReadOnlyList<NameServer> Trusted(DnsOptions options)
    {
        if (options.ValidatingResolvers.Count > 0)
            return options.ValidatingResolvers.Select(DnsLookupClients.ParseServer).ToList();
        var configured = options.Servers.Count > 0
            ? options.Servers.Select(DnsLookupClients.ParseServer).ToList()
            : NameServer.ResolveNameServers(skipIPv6SiteLocal: true, fallbackToGooglePublicDns: false).ToList();
        return configured.Where(s => IPAddress.TryParse(s.Address, out var address) && IPAddress.IsLoopback(address)).ToList();
    }

    public async Task<DnssecAnswer<string>> MxAsync(string domain, CancellationToken cancellationToken = default) =>
        await QueryAsync(domain, QueryType.MX, "MX records of " + domain,
            r => r.Answers.MxRecords().OrderBy(m => m.Preference).Select(m => m.Exchange.Value.TrimEnd('.')).Where(n => n.Length > 0), cancellationToken);

    public async Task<DnssecAnswer<TlsaRecord>> TlsaAsync(string host, int port, CancellationToken cancellationToken = default)
    {
        var name = $"_{port}._tcp.{host.TrimEnd('.')}";
        return await QueryAsync(name, QueryType.TLSA, "TLSA records of " + name,
            r => r.Answers.TlsaRecords().Select(t => new TlsaRecord((byte)t.CertificateUsage, (byte)t.Selector, (byte)t.MatchingType, t.CertificateAssociationData.ToArray())),
            cancellationToken);
    }

    async Task<DnssecAnswer<T>> QueryAsync<T>(string name, QueryType type, string what, Func<IDnsQueryResponse, IEnumerable<T>> select, CancellationToken cancellationToken)
    {
        if (_client is null)
            return new DnssecAnswer<T>(DnssecStatus.Insecure, []);
        IDnsQueryResponse response;
        try
        {
            response = await _client.QueryAsync(name, type, cancellationToken: cancellationToken);
        }
        catch (DnsResponseException ex)
        {
            return DnssecAnswer<T>.Failure($"the {what} could not be looked up ({ex.Message})");
        }
        var status = response.Header.IsAuthenticData ? DnssecStatus.Secure : DnssecStatus.Insecure;
        switch (response.Header.ResponseCode)
        {
            case DnsHeaderResponseCode.NoError:
                return new DnssecAnswer<T>(status, select(response).ToList());
            case DnsHeaderResponseCode.NotExistentDomain:
                return new DnssecAnswer<T>(status, []);
            case DnsHeaderResponseCode.ServerFailure:
                return DnssecAnswer<T>.Failure($"the {what} failed DNSSEC validation or could not be resolved (SERVFAIL)");
            default:
                return DnssecAnswer<T>.Failure($"the {what} could not be looked up ({response.ErrorMessage})");
        }
    }
}
