using System.Text.Json;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// DANE (RFC 7672) end to end with real peers: a zone signed with ldns-utils, served by NSD, validated by
/// unbound on loopback; aiosmtpd MX hosts with STARTTLS whose certificates match or do not match their
/// TLSA records. Outpost does not trust the CA that issued them, so only the TLSA records can let mail go.
/// </summary>
public sealed class DaneTests(DaneWorld world) : IClassFixture<DaneWorld>
{
    OutpostServer Outpost => world.Outpost;

    async Task<JsonElement> SendAsync(string recipient, params string[] states)
    {
        var id = await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, recipient, "Delivery note " + Submit.Token(),
            "Hello, the delivery note for order 4711 is attached as agreed. Regards, Alice"));
        return await Outpost.WaitForStatusAsync(id, states);
    }

    static JsonElement FirstAttempt(JsonElement report) => report.GetProperty("attempts").EnumerateArray().First();

    [Fact]
    public async Task A_certificate_that_matches_its_tlsa_record_is_delivered_and_the_attempt_names_dane()
    {
        var recipient = $"anna-{Submit.Token()}@match.dane.test";
        var report = await SendAsync(recipient, "delivered", "deferred");

        var attempt = FirstAttempt(report);
        Assert.True(attempt.GetProperty("outcome").GetString() == "delivered", report.ToString());
        var policy = attempt.GetProperty("tlsPolicy").GetString()!;
        Assert.StartsWith("DANE for match.dane.test: 2 TLSA records, matched 3 1 1, verified TLSv1.", policy);
        Assert.EndsWith("to mx-match.dane.test", policy);
        Assert.True(world.Mx[DaneWorld.Match].MessagesTo(recipient).Single().Tls);
    }

    [Fact]
    public async Task A_certificate_that_matches_no_tlsa_record_is_deferred_with_the_reason()
    {
        var recipient = $"bert-{Submit.Token()}@mismatch.dane.test";
        var report = await SendAsync(recipient, "deferred", "delivered");

        var attempt = FirstAttempt(report);
        Assert.Equal("451 4.7.5 TLS policy not met (DANE for mismatch.dane.test): the certificate of mx-mismatch.dane.test matches none of its 1 TLSA record; " +
            "the message waits for the next try", attempt.GetProperty("reply").GetString());
        Assert.Equal("DANE for mismatch.dane.test: certificate refused", attempt.GetProperty("tlsPolicy").GetString());
        Assert.Empty(world.Mx[DaneWorld.Mismatch].MessagesTo(recipient));
    }

    [Fact]
    public async Task A_bogus_signature_on_the_tlsa_records_defers_even_though_the_certificate_would_match()
    {
        var recipient = $"carl-{Submit.Token()}@bogus.dane.test";
        var report = await SendAsync(recipient, "deferred", "delivered");

        var attempt = FirstAttempt(report);
        var reply = attempt.GetProperty("reply").GetString()!;
        Assert.StartsWith("451 4.7.5 TLS policy not met (DANE for bogus.dane.test): the TLSA records of _25._tcp.mx-bogus.dane.test failed DNSSEC validation", reply);
        Assert.Equal("DANE for bogus.dane.test: TLSA lookup failed for mx-bogus.dane.test", attempt.GetProperty("tlsPolicy").GetString());
        Assert.Empty(world.Mx[DaneWorld.Bogus].MessagesTo(recipient));
    }

    [Fact]
    public async Task A_dane_ta_record_accepts_a_certificate_issued_by_the_anchor_the_host_sends()
    {
        var recipient = $"dora-{Submit.Token()}@ta.dane.test";
        var report = await SendAsync(recipient, "delivered", "deferred");

        var attempt = FirstAttempt(report);
        Assert.True(attempt.GetProperty("outcome").GetString() == "delivered", report.ToString());
        Assert.StartsWith("DANE for ta.dane.test: 1 TLSA record, matched 2 0 1, verified TLSv1.", attempt.GetProperty("tlsPolicy").GetString());
    }

    [Fact]
    public async Task An_unsigned_zone_falls_back_to_opportunistic_tls_and_ignores_its_tlsa_record()
    {
        var recipient = $"emil-{Submit.Token()}@plain.test";
        var report = await SendAsync(recipient, "delivered", "deferred");

        var attempt = FirstAttempt(report);
        Assert.True(attempt.GetProperty("outcome").GetString() == "delivered", report.ToString());
        var policy = attempt.GetProperty("tlsPolicy").GetString()!;
        Assert.StartsWith("opportunistic: TLSv1.", policy);
        Assert.EndsWith("without verification to mx.plain.test", policy);
    }
}
