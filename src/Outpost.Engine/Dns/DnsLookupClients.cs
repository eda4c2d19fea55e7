using DnsClient;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Dns;

/// <summary>The one place that turns <c>Dns:Servers</c> and <c>Dns:Timeout</c> into a DnsClient.NET lookup client.</summary>
public static class DnsLookupClients
{
    /// <param name="cache">Cache answers by their TTL: right for delivery; wrong for record checks, which must see changes.</param>
    public static LookupClient Create(DnsOptions options, bool cache) =>
        Create(options.Servers.Select(ParseServer).ToArray(), options.Timeout, cache, dnssec: false);

    /// <param name="servers">Empty: the system's resolvers.</param>
    /// <param name="dnssec">Set the DO bit, so a validating resolver says with the AD bit whether it validated the answer (DANE).</param>
    public static LookupClient Create(IReadOnlyList<NameServer> servers, TimeSpan timeout, bool cache, bool dnssec)
    {
        var lookup = servers.Count > 0 ? new LookupClientOptions(servers.ToArray()) : new LookupClientOptions();
        lookup.UseCache = cache;
        lookup.Timeout = timeout;
        lookup.RequestDnsSecRecords = dnssec;
        lookup.Retries = 2;
        lookup.ThrowDnsErrors = false;
        lookup.UseTcpFallback = true;
        lookup.ContinueOnDnsError = false;
        // An empty answer (a host with an A record but no AAAA) is an answer, not a reason to ask the
        // next server; the client otherwise raises and catches an exception for each one. With the cache
        // on, empty and failed answers are kept for a few seconds too, so every delivery to a host
        // without AAAA does not ask again.
        lookup.ContinueOnEmptyResponse = false;
        lookup.CacheFailedResults = cache;
        lookup.FailedResultsCacheDuration = TimeSpan.FromSeconds(5);
        return new LookupClient(lookup);
    }

    public static NameServer ParseServer(string text)
    {
        if (System.Net.IPEndPoint.TryParse(text, out var endpoint))
        {
            if (endpoint.Port == 0)
                endpoint.Port = 53;
            return new NameServer(endpoint);
        }
        throw new ArgumentException($"Dns:Servers: '{text}' is not an address like 127.0.0.1 or 127.0.0.1:5353.");
    }
}
