namespace Outpost.Engine.Dns;

/// <summary>
/// The lookups DANE (RFC 7672) needs, each with its DNSSEC status; behind an interface so the TLS policy
/// can be tested without a signed zone. The live one is <see cref="DnsClientDnssecResolver"/>.
/// </summary>
public interface IDnssecResolver
{
    /// <summary>Whether any resolver is trusted to validate; without one every answer is insecure and DANE never applies.</summary>
    bool Available { get; }

    /// <summary>A domain's MX host names (null MX and the root left out), by preference.</summary>
    Task<DnssecAnswer<string>> MxAsync(string domain, CancellationToken cancellationToken = default);

    /// <summary>The TLSA records at <c>_port._tcp.host</c>.</summary>
    Task<DnssecAnswer<TlsaRecord>> TlsaAsync(string host, int port, CancellationToken cancellationToken = default);
}
