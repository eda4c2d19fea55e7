using Outpost.Engine.Configuration;
using Outpost.Engine.Dns;

namespace Outpost.Engine.Tests.Dns;

/// <summary>Whose AD bit DANE believes: the resolvers named as validating, else the configured ones on loopback, never one across the network.</summary>
public sealed class ValidatingResolverTrustTests
{
    [Fact]
    public void Named_validating_resolvers_are_trusted_wherever_they_are()
    {
        var options = new DnsOptions { Servers = ["127.0.0.1:5353"], ValidatingResolvers = ["192.0.2.53", "127.0.0.1:8053"] };

        var trusted = DnsClientDnssecResolver.Trusted(options);

        Assert.Equal(["192.0.2.53:53", "127.0.0.1:8053"], trusted.Select(s => $"{s.Address}:{s.Port}"));
    }

    [Fact]
    public void Otherwise_only_the_configured_resolvers_on_loopback_are_trusted()
    {
        var options = new DnsOptions { Servers = ["192.0.2.53", "127.0.0.53", "[::1]:5353"] };

        var trusted = DnsClientDnssecResolver.Trusted(options);

        Assert.Equal(["127.0.0.53:53", "::1:5353"], trusted.Select(s => $"{s.Address}:{s.Port}"));
    }

    [Fact]
    public async Task With_no_trusted_resolver_every_answer_is_insecure_and_nothing_is_asked()
    {
        var resolver = new DnsClientDnssecResolver(new DnsOptions { Servers = ["192.0.2.53"] });

        Assert.False(resolver.Available);
        var answer = await resolver.TlsaAsync("mx.example.com", 25);
        Assert.Equal(DnssecStatus.Insecure, answer.Status);
        Assert.Empty(answer.Records);
    }
}
