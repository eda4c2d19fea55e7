namespace Outpost.Engine.Configuration;

/// <summary>Resolvers for MX and address lookups. Empty: the system's resolvers.</summary>
public sealed class DnsOptions
{
    /// <summary>"ip" or "ip:port", e.g. "127.0.0.1:5353".</summary>
    public List<string> Servers { get; set; } = [];
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);
}
