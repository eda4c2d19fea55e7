namespace Outpost.Engine.Configuration;

/// <summary>Resolvers for MX and address lookups. Empty: the system's resolvers.</summary>
public sealed class DnsOptions
{
    /// <summary>"ip" or "ip:port", e.g. "127.0.0.1:5353".</summary>
    public List<string> Servers { get; set; } = [];

    /// <summary>
    /// Resolvers that validate DNSSEC and are trusted to say so (the AD bit), for DANE's MX and TLSA lookups
    /// ("ip" or "ip:port"). Empty: those of <see cref="Servers"/> (or of the system's) that are on loopback,
    /// where a validating resolver on this machine answers and no one on the path can set the bit.
    /// </summary>
    public List<string> ValidatingResolvers { get; set; } = [];

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}
