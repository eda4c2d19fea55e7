using Outpost.Engine.Delivery.Tls;

namespace Outpost.Engine.Tests.Delivery.Tls;

/// <summary>A connection opened under one TLS policy carries mail only while the destination's policy is still the same.</summary>
public sealed class TlsPolicyReuseTests
{
    static readonly TlsPolicy Enforce = new(TlsMode.Verify, ["mx1.example.com", "*.backup.example.com"], "MTA-STS enforce for example.com, policy id 1");

    [Fact]
    public void The_same_policy_fetched_again_permits_the_open_connection()
    {
        var again = new TlsPolicy(TlsMode.Verify, ["MX1.example.com", "*.backup.example.com"], "MTA-STS enforce for example.com, policy id 1");
        Assert.True(Enforce.Permits(again));
        Assert.True(TlsPolicy.Opportunistic.Permits(new TlsPolicy(TlsMode.Opportunistic, [], "opportunistic")));
    }

    [Fact]
    public void A_stricter_mode_other_patterns_or_the_end_of_testing_close_it()
    {
        // The operator's table now asks for verification where the connection was opened opportunistically.
        Assert.False(TlsPolicy.Opportunistic.Permits(new TlsPolicy(TlsMode.Verify, [], "table: verify for example.com")));
        Assert.False(TlsPolicy.Opportunistic.Permits(new TlsPolicy(TlsMode.Encrypt, [], "table: encrypt for example.com")));
        // A new MTA-STS policy that no longer names the host the connection went to.
        Assert.False(Enforce.Permits(Enforce with { MxPatterns = ["mx2.example.com"] }));
        // testing became enforce: failures that were only reported now refuse.
        Assert.False((Enforce with { ReportOnly = true }).Permits(Enforce));
    }
}
