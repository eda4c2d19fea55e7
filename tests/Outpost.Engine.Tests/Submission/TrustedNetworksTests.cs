using System.Net;
using Outpost.Engine.Configuration;
using Outpost.Engine.Spool;
using Outpost.Engine.Submission;

namespace Outpost.Engine.Tests.Submission;

public sealed class TrustedNetworksTests
{
    [Fact]
    public void The_most_specific_network_decides_the_domain()
    {
        var trusted = new TrustedNetworks([
            new TrustedNetworkOptions { Cidr = "10.0.0.0/8", Domain = "corp.test" },
            new TrustedNetworkOptions { Cidr = "10.1.2.0/24", Domain = "Shop.TEST" },
        ]);
        Assert.Equal("shop.test", trusted.DomainFor(IPAddress.Parse("10.1.2.3")));
        Assert.Equal("corp.test", trusted.DomainFor(IPAddress.Parse("10.9.9.9")));
        Assert.Equal("corp.test", trusted.DomainFor(IPAddress.Parse("::ffff:10.9.9.9")));
        Assert.Null(trusted.DomainFor(IPAddress.Parse("192.0.2.1")));
    }

    [Fact]
    public void Bad_configuration_is_refused_with_a_sentence()
    {
        var ex = Assert.Throws<ArgumentException>(() => new TrustedNetworks([new TrustedNetworkOptions { Cidr = "10.0.0.0/33", Domain = "a.test" }]));
        Assert.Contains("CIDR", ex.Message);
    }

    [Fact]
    public void Queue_ids_sort_by_time_and_are_safe_file_names()
    {
        var earlier = QueueId.New(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var later = QueueId.New(new DateTimeOffset(2026, 1, 1, 0, 0, 1, TimeSpan.Zero));
        Assert.True(string.CompareOrdinal(earlier, later) < 0);
        Assert.True(QueueId.IsValid(earlier));
        Assert.False(QueueId.IsValid("../../etc/passwd"));
    }
}
