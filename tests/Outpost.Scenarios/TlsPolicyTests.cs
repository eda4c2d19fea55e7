using System.Text.Json;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// Outbound TLS policy end to end with real peers: MTA-STS policies fetched over HTTPS from a server whose
/// certificate comes from the test CA, _mta-sts records in dnsmasq, aiosmtpd MX hosts with valid, expired,
/// wrong-name and self-signed certificates, and the per-destination table set through the CLI.
/// </summary>
public sealed class TlsPolicyTests(TlsPolicyWorld world) : IClassFixture<TlsPolicyWorld>
{
    OutpostServer Outpost => world.Outpost;

    async Task<(string Id, JsonElement Report)> SendAsync(string recipient, params string[] states)
    {
        var id = await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, recipient, "Delivery note " + Submit.Token(),
            "Hello, the delivery note for order 4711 is attached as agreed. Regards, Alice"));
        return (id, await Outpost.WaitForStatusAsync(id, states));
    }

    static List<JsonElement> Attempts(JsonElement report) => report.GetProperty("attempts").EnumerateArray().ToList();

    [Fact]
    public async Task Enforce_delivers_only_to_the_mx_host_with_a_valid_certificate()
    {
        var recipient = $"anna-{Submit.Token()}@enforce.test";
        var (_, report) = await SendAsync(recipient, "delivered");

        Assert.Single(world.Mx[TlsPolicyWorld.Good].MessagesTo(recipient));
        Assert.Empty(world.Mx[TlsPolicyWorld.Expired].MessagesTo(recipient));
        Assert.Empty(world.Mx[TlsPolicyWorld.WrongName].MessagesTo(recipient));
        var delivered = Attempts(report).Single(a => a.GetProperty("outcome").GetString() == "delivered");
        Assert.Equal("mx-good.tls.test", delivered.GetProperty("mxHost").GetString());
        var policy = delivered.GetProperty("tlsPolicy").GetString()!;
        Assert.StartsWith("MTA-STS enforce for enforce.test, policy id 20260101T000000: verified TLSv1.", policy);
        Assert.EndsWith("to mx-good.tls.test", policy);
        Assert.Contains("expired", Outpost.Log);
        Assert.Contains("not valid for that name", Outpost.Log);
    }

    [Fact]
    public async Task Enforce_defers_when_the_only_mx_host_has_an_expired_certificate()
    {
        var recipient = $"bert-{Submit.Token()}@enforcebad.test";
        var (_, report) = await SendAsync(recipient, "deferred");

        var attempt = Attempts(report)[0];
        var reply = attempt.GetProperty("reply").GetString()!;
        Assert.StartsWith("451 4.7.5 TLS policy not met (MTA-STS enforce for enforcebad.test, policy id 20260101T000000)", reply);
        Assert.Contains("the certificate of mx-expired.tls.test expired on", reply);
        Assert.Equal("MTA-STS enforce for enforcebad.test, policy id 20260101T000000: certificate refused", attempt.GetProperty("tlsPolicy").GetString());
        Assert.Empty(world.Mx[TlsPolicyWorld.Expired].MessagesTo(recipient));
    }

    [Fact]
    public async Task Enforce_never_tries_an_mx_host_the_policy_does_not_name()
    {
        var recipient = $"carl-{Submit.Token()}@nomatch.test";
        var (_, report) = await SendAsync(recipient, "deferred");

        var reply = Attempts(report)[0].GetProperty("reply").GetString()!;
        Assert.Contains("no MX host of nomatch.test (mx-good.tls.test) matches mx.nomatch.test", reply);
        Assert.Empty(world.Mx[TlsPolicyWorld.Good].MessagesTo(recipient));
    }

    [Fact]
    public async Task Testing_delivers_and_notes_what_would_have_failed()
    {
        var recipient = $"dora-{Submit.Token()}@testing.test";
        var (_, report) = await SendAsync(recipient, "delivered");

        Assert.Single(world.Mx[TlsPolicyWorld.WrongName].MessagesTo(recipient));
        var policy = Attempts(report).Single().GetProperty("tlsPolicy").GetString()!;
        Assert.StartsWith("MTA-STS testing for testing.test, policy id 20260101T000000: TLSv1.", policy);
        Assert.Contains("would fail: the certificate of mx-wrongname.tls.test is not valid for that name", policy);
        Assert.EndsWith("(reported only)", policy);
    }

    [Fact]
    public async Task The_table_decides_before_mta_sts_and_verify_defers_on_a_self_signed_mx()
    {
        var list = await Outpost.CliAsync("tls-policy", "add", "partner.test", "verify", "--match", "*.tls.test");
        Assert.True(list.ExitCode == 0, list.All);
        var bad = await Outpost.CliAsync("tls-policy", "add", "partner.test", "sometimes");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("'sometimes' is not a TLS policy; use one of none, may, encrypt, verify.", bad.All);

        // A running server reads the table again within TlsPolicyResolver.TableLifetime (5 s).
        await Task.Delay(TimeSpan.FromSeconds(6));
        var recipient = $"emil-{Submit.Token()}@partner.test";
        var (_, report) = await SendAsync(recipient, "deferred");
        var attempt = Attempts(report)[0];
        Assert.Contains("TLS policy not met (TLS policy table: verify for partner.test (MX *.tls.test)): the certificate of mx-self.tls.test is self-signed",
            attempt.GetProperty("reply").GetString());
        Assert.Empty(world.Mx[TlsPolicyWorld.SelfSigned].MessagesTo(recipient));

        // encrypt takes any certificate, but TLS it must be; the table's change is seen within seconds.
        Assert.Equal(0, (await Outpost.CliAsync("tls-policy", "add", "partner.test", "encrypt")).ExitCode);
        var rows = await Outpost.CliJsonAsync("tls-policy", "list");
        Assert.Equal("encrypt", rows.EnumerateArray().Single().GetProperty("mode").GetString());
        var second = $"fritz-{Submit.Token()}@partner.test";
        await Task.Delay(TimeSpan.FromSeconds(6));
        var (_, delivered) = await SendAsync(second, "delivered", "deferred", "bounced");
        Assert.True(delivered.GetProperty("recipients")[0].GetProperty("status").GetString() == "delivered", delivered.ToString() + Outpost.Log[^Math.Min(4000, Outpost.Log.Length)..]);
        var policy = Attempts(delivered).Single().GetProperty("tlsPolicy").GetString()!;
        Assert.StartsWith("TLS policy table: encrypt for partner.test: TLSv1.", policy);
        Assert.EndsWith("without verification to mx-self.tls.test", policy);
        Assert.True(world.Mx[TlsPolicyWorld.SelfSigned].MessagesTo(second).Single().Tls);

        Assert.Equal(0, (await Outpost.CliAsync("tls-policy", "remove", "partner.test")).ExitCode);
        Assert.Empty((await Outpost.CliJsonAsync("tls-policy", "list")).EnumerateArray());
    }

    [Fact]
    public async Task Without_a_policy_delivery_stays_opportunistic_and_says_so()
    {
        var recipient = $"gina-{Submit.Token()}@plain.test";
        var (_, report) = await SendAsync(recipient, "delivered");
        var policy = Attempts(report).Single().GetProperty("tlsPolicy").GetString()!;
        Assert.StartsWith("opportunistic: TLSv1.", policy);
        Assert.EndsWith("without verification to mx-good.tls.test", policy);
    }

    [Fact]
    public async Task A_tls_report_counts_the_refused_and_the_verified_session_and_reaches_the_rua_mailbox_once()
    {
        // rpt.test: the expired host first (refused, certificate-expired), then the good one (verified, delivered).
        var recipient = $"hans-{Submit.Token()}@rpt.test";
        await SendAsync(recipient, "delivered");
        Assert.Single(world.Mx[TlsPolicyWorld.Good].MessagesTo(recipient));
        var day = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        // The server adds its counts to the database every half second (Tls:ReportFlushInterval).
        var preview = await Eventually.GetAsync(async () =>
        {
            var shown = await Outpost.CliAsync("tls", "report", "--day", day, "--domain", "rpt.test");
            return shown.ExitCode == 0 && shown.Output.Contains("certificate-expired") && shown.Output.Contains("\"total-successful-session-count\": 1") ? shown.Output : null;
        }, "the TLS results of rpt.test in outpost tls report");
        var previewed = JsonDocument.Parse(preview).RootElement;
        Assert.Equal("rpt.test", previewed.GetProperty("policies")[0].GetProperty("policy").GetProperty("policy-domain").GetString());

        var bad = await Outpost.CliAsync("tls", "report", "--day", "01.12.2026");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Contains("'01.12.2026' is not a day; give it as YYYY-MM-DD.", bad.All);

        var sent = await Outpost.CliAsync("tls", "report", "--day", day, "--domain", "rpt.test", "--send");
        Assert.True(sent.ExitCode == 0, sent.All);
        Assert.Contains($"The report of rpt.test for {day} is queued to {TlsPolicyWorld.ReportMailbox}", sent.Output);

        var mail = world.Mx[TlsPolicyWorld.Good].MessagesTo(TlsPolicyWorld.ReportMailbox).FirstOrDefault();
        if (mail is null)
        {
            try
            {
                mail = await Eventually.GetAsync(() => world.Mx[TlsPolicyWorld.Good].MessagesTo(TlsPolicyWorld.ReportMailbox).FirstOrDefault(), "the TLS report at the rua mailbox");
            }
            catch (TimeoutException)
            {
                var log = await Outpost.CliAsync("log", "--to", "reports.test", "--json");
                Assert.Fail($"No report arrived. The send said: {sent.All}\nThe log: {log.All}");
            }
        }
        Assert.Equal("tlsrpt@example.com", mail.MailFrom);
        using var message = await MimeKit.MimeMessage.LoadAsync(new MemoryStream(mail.Data));
        Assert.StartsWith("Report Domain: rpt.test Submitter: ", message.Subject);
        Assert.Contains(" Report-ID: <", message.Subject);
        Assert.Equal("rpt.test", message.Headers["TLS-Report-Domain"]);
        var report = Assert.IsType<MimeKit.MultipartReport>(message.Body);
        Assert.Equal("tlsrpt", report.ReportType);
        var attachment = report.OfType<MimeKit.MimePart>().Single(p => p.ContentType.MimeType == "application/tlsrpt+gzip");
        Assert.Matches(@"^[^!]+!rpt\.test!\d+!\d+\.json\.gz$", attachment.FileName);
        using var decoded = new MemoryStream();
        await attachment.Content!.DecodeToAsync(decoded);
        decoded.Position = 0;
        using var gunzip = new System.IO.Compression.GZipStream(decoded, System.IO.Compression.CompressionMode.Decompress);
        using var json = await JsonDocument.ParseAsync(gunzip);

        var root = json.RootElement;
        Assert.Equal($"{day}T00:00:00Z", root.GetProperty("date-range").GetProperty("start-datetime").GetString());
        Assert.Equal($"{day}T23:59:59Z", root.GetProperty("date-range").GetProperty("end-datetime").GetString());
        Assert.Equal("tlsrpt@example.com", root.GetProperty("contact-info").GetString());
        Assert.False(string.IsNullOrEmpty(root.GetProperty("report-id").GetString()));
        var policy = root.GetProperty("policies").EnumerateArray().Single();
        Assert.Equal("sts", policy.GetProperty("policy").GetProperty("policy-type").GetString());
        Assert.Equal(["version: STSv1", "mode: enforce", "mx: *.tls.test", "max_age: 86400"],
            policy.GetProperty("policy").GetProperty("policy-string").EnumerateArray().Select(e => e.GetString()!).ToArray());
        Assert.Equal("*.tls.test", policy.GetProperty("policy").GetProperty("mx-host")[0].GetString());
        Assert.Equal(1, policy.GetProperty("summary").GetProperty("total-successful-session-count").GetInt64());
        Assert.Equal(1, policy.GetProperty("summary").GetProperty("total-failure-session-count").GetInt64());
        var failure = policy.GetProperty("failure-details").EnumerateArray().Single();
        Assert.Equal("certificate-expired", failure.GetProperty("result-type").GetString());
        Assert.Equal("mx-expired.tls.test", failure.GetProperty("receiving-mx-hostname").GetString());
        Assert.Equal(TlsPolicyWorld.Expired, failure.GetProperty("receiving-ip").GetString());
        Assert.Equal(1, failure.GetProperty("failed-session-count").GetInt64());
        Assert.Contains("expired on", failure.GetProperty("failure-reason-code").GetString());

        // A day's report goes once.
        var again = await Outpost.CliAsync("tls", "report", "--day", day, "--domain", "rpt.test", "--send");
        Assert.True(again.ExitCode == 0, again.All);
        Assert.Contains($"The report of rpt.test for {day} was sent before.", again.Output);
        Assert.Single(world.Mx[TlsPolicyWorld.Good].MessagesTo(TlsPolicyWorld.ReportMailbox));
    }
}
