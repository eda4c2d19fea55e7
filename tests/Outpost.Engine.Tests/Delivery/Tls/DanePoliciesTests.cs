using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Delivery.Tls;
using Outpost.Engine.Dns;

namespace Outpost.Engine.Tests.Delivery.Tls;

/// <summary>
/// When DANE decides a destination's TLS policy (RFC 7672 §2.2): only with secure MX records and secure
/// TLSA records, never on a failed lookup taken as insecure, and ahead of MTA-STS but behind the table.
/// </summary>
public sealed class DanePoliciesTests
{
    readonly FakeDnssecResolver _dns = new();
    readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-06-01T12:00:00Z"));

    static readonly TlsaRecord EeSha256 = new(3, 1, 1, new byte[32]);

    static DnssecAnswer<T> Secure<T>(params T[] records) => new(DnssecStatus.Secure, records);

    DanePolicies Policies() => new(_dns, _time);

    [Fact]
    public async Task Secure_mx_and_tlsa_records_make_a_dane_policy_that_allows_only_the_secure_mx_hosts()
    {
        _dns.Mx["example.com"] = Secure("mx1.example.com", "mx2.example.com");
        _dns.Tlsa["_25._tcp.mx1.example.com"] = Secure(EeSha256, new TlsaRecord(2, 0, 1, new byte[32]));

        var policy = await Policies().PolicyAsync("example.com");

        Assert.NotNull(policy);
        Assert.Equal(TlsMode.Dane, policy.Mode);
        Assert.Equal("DANE for example.com", policy.Source);
        Assert.Equal(["mx1.example.com", "mx2.example.com"], policy.MxPatterns);
        Assert.False(policy.Allows("mx.attacker.example"));
        var mx1 = policy.DaneAt("MX1.example.com.")!;
        Assert.True(mx1.Authenticates);
        Assert.Equal("2 TLSA records", mx1.RecordsInWords);
        Assert.True(policy.RequiresTlsAt("mx1.example.com"));
        // A host without TLSA records is delivered to as RFC 7672 §2.2 says: opportunistically.
        Assert.False(policy.RequiresTlsAt("mx2.example.com"));
        Assert.False(policy.DaneAt("mx2.example.com")!.Authenticates);
    }

    [Fact]
    public async Task Insecure_mx_records_or_no_tlsa_anywhere_leave_the_decision_to_the_other_policies()
    {
        _dns.Mx["unsigned.example"] = new DnssecAnswer<string>(DnssecStatus.Insecure, ["mx.unsigned.example"]);
        _dns.Tlsa["_25._tcp.mx.unsigned.example"] = new DnssecAnswer<TlsaRecord>(DnssecStatus.Insecure, [EeSha256]);
        _dns.Mx["signed.example"] = Secure("mx.signed.example");
        // A TLSA record from an unsigned zone below a signed MX means nothing.
        _dns.Tlsa["_25._tcp.mx.signed.example"] = new DnssecAnswer<TlsaRecord>(DnssecStatus.Insecure, [EeSha256]);

        Assert.Null(await Policies().PolicyAsync("unsigned.example"));
        Assert.Null(await Policies().PolicyAsync("signed.example"));
    }

    [Fact]
    public async Task Without_a_validating_resolver_dane_never_applies()
    {
        _dns.Available = false;
        _dns.Mx["example.com"] = Secure("mx1.example.com");
        _dns.Tlsa["_25._tcp.mx1.example.com"] = Secure(EeSha256);

        Assert.Null(await Policies().PolicyAsync("example.com"));
        Assert.Equal(0, _dns.Queries);
    }

    [Fact]
    public async Task A_bogus_mx_answer_refuses_the_destination_and_a_bogus_tlsa_answer_its_host()
    {
        _dns.Mx["bogus.example"] = DnssecAnswer<string>.Failure("the MX records of bogus.example failed DNSSEC validation or could not be resolved (SERVFAIL)");
        _dns.Mx["half.example"] = Secure("mx1.half.example", "mx2.half.example");
        _dns.Tlsa["_25._tcp.mx1.half.example"] = DnssecAnswer<TlsaRecord>.Failure("the TLSA records of _25._tcp.mx1.half.example failed DNSSEC validation");

        var bogus = await Policies().PolicyAsync("bogus.example");
        Assert.NotNull(bogus);
        Assert.Contains("failed DNSSEC validation", bogus.Refusal);

        var half = await Policies().PolicyAsync("half.example");
        Assert.NotNull(half);
        Assert.Null(half.Refusal);
        Assert.Contains("failed DNSSEC validation", half.DaneAt("mx1.half.example")!.Failure);
        Assert.False(half.RequiresTlsAt("mx2.half.example"));
    }

    [Fact]
    public async Task A_zone_with_very_many_mx_hosts_costs_a_bounded_number_of_lookups()
    {
        var names = Enumerable.Range(1, 500).Select(i => $"mx{i}.many.example").ToArray();
        _dns.Mx["many.example"] = Secure(names);
        _dns.Tlsa["_25._tcp.mx1.many.example"] = Secure(EeSha256);

        var policy = await Policies().PolicyAsync("many.example");

        Assert.Equal(DanePolicies.MaxHosts, policy!.MxPatterns.Count);
        Assert.Equal(1 + DanePolicies.MaxHosts, _dns.Queries);
        Assert.False(policy.Allows("mx500.many.example"));
    }

    [Fact]
    public async Task A_domain_is_looked_at_again_only_after_a_minute()
    {
        _dns.Mx["example.com"] = Secure("mx1.example.com");
        _dns.Tlsa["_25._tcp.mx1.example.com"] = Secure(EeSha256);
        var policies = Policies();

        await policies.PolicyAsync("example.com");
        var queries = _dns.Queries;
        await policies.PolicyAsync("example.com");
        Assert.Equal(queries, _dns.Queries);

        _dns.Tlsa["_25._tcp.mx1.example.com"] = Secure(new TlsaRecord(3, 1, 1, Enumerable.Repeat((byte)7, 32).ToArray()));
        _time.Advance(DanePolicies.Recheck + TimeSpan.FromSeconds(1));
        var changed = await policies.PolicyAsync("example.com");
        Assert.True(_dns.Queries > queries);
        Assert.Equal(7, changed!.DaneAt("mx1.example.com")!.Records[0].Data[0]);
    }

    [Fact]
    public async Task The_table_goes_first_then_dane_then_mta_sts()
    {
        _dns.Mx["example.com"] = Secure("mx1.example.com");
        _dns.Tlsa["_25._tcp.mx1.example.com"] = Secure(EeSha256);
        _dns.Mx["partner.example"] = Secure("mx.partner.example");
        _dns.Tlsa["_25._tcp.mx.partner.example"] = Secure(EeSha256);
        var table = new FakeTlsPolicyTable();
        table.Rows.Add(new TlsPolicyEntry("partner.example", "encrypt", [], _time.GetUtcNow()));
        var resolver = new TlsPolicyResolver(table, Policies(), null, _time);

        Assert.Equal(TlsMode.Dane, (await resolver.ResolveAsync("Example.COM.")).Mode);
        Assert.Equal(TlsMode.Encrypt, (await resolver.ResolveAsync("partner.example")).Mode);
        Assert.Same(TlsPolicy.Opportunistic, await resolver.ResolveAsync("plain.example"));
    }

    [Fact]
    public async Task New_tlsa_records_close_a_connection_opened_under_the_old_ones()
    {
        _dns.Mx["example.com"] = Secure("mx1.example.com");
        _dns.Tlsa["_25._tcp.mx1.example.com"] = Secure(EeSha256);
        var before = (await Policies().PolicyAsync("example.com"))!;
        var same = (await Policies().PolicyAsync("example.com"))!;
        _dns.Tlsa["_25._tcp.mx1.example.com"] = Secure(new TlsaRecord(3, 1, 2, new byte[64]));
        var after = (await Policies().PolicyAsync("example.com"))!;

        Assert.True(before.Permits(same));
        Assert.False(before.Permits(after));
        Assert.False(before.Permits(TlsPolicy.Opportunistic));
    }

    [Fact]
    public void Only_dane_ta_and_dane_ee_records_with_known_selectors_and_digests_are_usable()
    {
        var host = new DaneHost("mx.example.com",
        [
            new TlsaRecord(1, 1, 1, new byte[32]), // PKIX-EE: not for SMTP (RFC 7672 §3.1.3)
            new TlsaRecord(3, 2, 1, new byte[32]), // no such selector
            new TlsaRecord(3, 1, 3, new byte[32]), // no such matching type
            new TlsaRecord(3, 1, 1, new byte[20]), // a SHA-256 digest of the wrong length
        ]);
        Assert.Empty(host.Usable);
        Assert.False(host.Authenticates);
        // Records there are, so TLS is still required, without authentication (RFC 7672 §2.2).
        Assert.True(host.RequiresTls);
    }
}
