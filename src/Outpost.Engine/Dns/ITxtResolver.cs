using System.Net;

namespace Outpost.Engine.Dns;

/// <summary>
/// The DNS lookups the sending-records checks need, behind an interface so the SPF evaluator can be
/// tested against a table of records; the live one asks the configured resolvers.
/// </summary>
public interface ITxtResolver
{
    /// <summary>TXT records of a name, each one's strings joined, or a failure.</summary>
    Task<DnsAnswer<string>> TxtAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>A and AAAA addresses of a name.</summary>
    Task<DnsAnswer<IPAddress>> AddressesAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>MX host names of a domain, by preference.</summary>
    Task<DnsAnswer<string>> MxAsync(string domain, CancellationToken cancellationToken = default);

    /// <summary>The PTR names of an address (its reverse DNS), for the doctor; a resolver that cannot ask says so.</summary>
    Task<DnsAnswer<string>> PointerAsync(IPAddress address, CancellationToken cancellationToken = default) =>
        Task.FromResult(DnsAnswer<string>.Failure("this resolver does not look up reverse DNS"));
}
