using Outpost.Engine.Delivery.Tls;

namespace Outpost.Engine.Tests.Delivery.Tls;

/// <summary>RFC 8461 §4.1's MX patterns: a wildcard stands for exactly one leftmost label.</summary>
public sealed class MxPatternTests
{
    [Theory]
    [InlineData("mx1.example.com", "mx1.example.com", true)]
    [InlineData("MX1.Example.COM", "mx1.example.com.", true)]
    [InlineData("*.example.com", "mx1.example.com", true)]
    [InlineData("*.example.com", "example.com", false)]
    [InlineData("*.example.com", "a.b.example.com", false)]
    [InlineData("*.example.com", "mx1.badexample.com", false)]
    [InlineData("*.example.com", ".example.com", false)]
    [InlineData("mx1.example.com", "mx2.example.com", false)]
    [InlineData("mail.example.com", "mx.mail.example.com", false)]
    public void Matches_as_the_rfc_says(string pattern, string host, bool expected) =>
        Assert.Equal(expected, MxPattern.Matches(pattern, host));

    [Theory]
    [InlineData("mx.example.com", true)]
    [InlineData("*.example.com", true)]
    [InlineData("mx.example.com.", true)]
    [InlineData("com", false)]
    [InlineData("*", false)]
    [InlineData("mx.*.example.com", false)]
    [InlineData("*mx.example.com", false)]
    [InlineData("-mx.example.com", false)]
    [InlineData("mx..example.com", false)]
    [InlineData("mx example.com", false)]
    [InlineData("", false)]
    public void Knows_a_pattern_from_anything_else(string pattern, bool valid) => Assert.Equal(valid, MxPattern.IsValid(pattern));

    [Fact]
    public void A_policy_without_patterns_allows_every_host_and_one_with_patterns_only_those()
    {
        Assert.True(TlsPolicy.Opportunistic.Allows("anything.example"));
        var policy = new TlsPolicy(TlsMode.Verify, ["*.example.com", "backup.example.net"], "test");
        Assert.True(policy.Allows("mx1.example.com"));
        Assert.True(policy.Allows("backup.example.net"));
        Assert.False(policy.Allows("mx1.example.net"));
    }
}
