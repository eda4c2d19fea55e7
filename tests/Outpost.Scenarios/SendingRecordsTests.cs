using System.Text;
using System.Text.Json;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// Sending DNS records against a real DNS server (dnsmasq): each way a record can be wrong, the gate
/// on external mail, and DKIM signatures checked by an independent verifier (dkimpy).
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class SendingRecordsTests(MailWorld world)
{
    OutpostServer Outpost => world.Outpost;

    async Task<ProcessResult> VerifyDkimAsync(ReceivedMessage message)
    {
        var file = Path.Combine(world.Directory, $"dkim-{Submit.Token()}.eml");
        await File.WriteAllBytesAsync(file, message.Data);
        return await Processes.RunAsync("/usr/bin/python3", [Paths.Peer("dkimverify.py"), "--dns", world.Dns.Endpoint, file]);
    }

    // It opens as the business mail it stands for, so that the content model lets it through: these tests
    // are about the bytes (8-bit text, leading dots, a 990-octet line), not about content.
    static string TrickyBody(string token) =>
        "Dear Mr. Hall, here are the minutes of Tuesday's meeting; the installation at your site is planned for the week of 14 December.\r\n" +
        "Grüße aus Köln, 你好. Preis: 12,50 €\r\n.a line that starts with a dot\r\n..two dots\r\n" + new string('y', 990) + "\r\n" +
        "trailing spaces   \r\n\ttab line\r\n\r\n\r\nend " + token;

    /// <summary>Alice submits an 8-bit UTF-8 message with <see cref="TrickyBody"/> through swaks (STARTTLS, AUTH).</summary>
    async Task<ProcessResult> SubmitEightBitAsync(string recipient, string subject, string token)
    {
        var file = Path.Combine(world.Directory, $"{token}.eml");
        await File.WriteAllTextAsync(file,
            $"From: Alice <alice@example.com>\r\nTo: {recipient}\r\nSubject: {subject}\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + TrickyBody(token), new UTF8Encoding(false));
        var sent = await Swaks.RunAsync("--server", $"127.0.0.1:{Outpost.SubmissionPort}", "--tls", "--auth", "PLAIN",
            "--auth-user", "alice@example.com", "--auth-password", MailWorld.Password, "--from", "alice@example.com", "--to", recipient, "--data", file);
        Assert.NotNull(Swaks.QueueId(sent));
        return sent;
    }

    [Fact]
    public async Task Delivered_mail_verifies_with_an_independent_dkim_verifier()
    {
        var token = Submit.Token();
        var recipient = $"dkim-{token}@remote.test";
        var sent = await SubmitEightBitAsync(recipient, $"=?utf-8?q?Gr=C3=BC=C3=9Fe?= {token}", token);
        Assert.Contains("some receivers may not see them for a few hours", sent.All);

        var received = await Eventually.GetAsync(() => world.Mx.MessagesTo(recipient).FirstOrDefault(), "delivery to the MX");
        var verified = await VerifyDkimAsync(received);
        Assert.True(verified.ExitCode == 0, verified.All);
        Assert.Matches(@"example\.com o\d{6}r rsa-sha256 pass", verified.Output);
        var signature = received.Text[..received.Text.IndexOf("\r\nReceived:", StringComparison.Ordinal)];
        Assert.Contains("c=relaxed/relaxed", signature);
        Assert.Matches(@"h=[^;]*from:[^;]*from", signature.Replace("\r\n\t", "").Replace(" ", "").ToLowerInvariant());

        // The independent verifier must also catch a change: alter one byte of the body.
        var tampered = received with { Data = Encoding.UTF8.GetBytes(received.Text.Replace("end " + token, "End " + token)) };
        Assert.NotEqual(0, (await VerifyDkimAsync(tampered)).ExitCode);
    }

    [Fact]
    public async Task A_server_without_8bitmime_gets_the_message_in_seven_bits_and_the_signature_still_verifies()
    {
        await using var sevenBit = await RemoteMx.StartAsync(world.Directory, "127.0.0.14", world.Mx.Port, "--no-8bitmime");
        var token = Submit.Token();
        var recipient = $"seven-{token}@seven.test";
        await SubmitEightBitAsync(recipient, $"seven bits {token}", token);

        var received = await Eventually.GetAsync(() => sevenBit.MessagesTo(recipient).FirstOrDefault(), "delivery to the 7-bit MX");
        Assert.DoesNotContain("BODY=8BITMIME", received.MailOptions);
        Assert.True(received.Data.AsSpan().IndexOfAnyInRange((byte)0x80, (byte)0xFF) < 0, "every byte must be 7-bit");
        var verified = await VerifyDkimAsync(received);
        Assert.True(verified.ExitCode == 0, verified.All);
        // Re-encoded, not damaged: the text reads the same.
        var parsed = await MimeKit.MimeMessage.LoadAsync(new MemoryStream(received.Data));
        Assert.Contains("Grüße aus Köln, 你好. Preis: 12,50 €", parsed.TextBody);
        Assert.Contains(".a line that starts with a dot", parsed.TextBody);
    }

    [Fact]
    public async Task Dual_signing_with_ed25519_verifies_both_signatures()
    {
        await using var server = await world.StartOutpostAsync("dual-" + Submit.Token(), "dual.test", new Dictionary<string, string> { ["OUTPOST__Dkim__Ed25519"] = "true" });
        var records = await MailWorld.RecordsAsync(server, "dual.test");
        Assert.Contains(records, r => r.Kind == "dkim" && string.Concat(r.Strings).Contains("k=ed25519"));

        var recipient = $"dual-{Submit.Token()}@remote.test";
        await Submit.AcceptedAsync(Submit.AsAsync(server, "alice@dual.test", "alice@dual.test", recipient, "two signatures", TrickyBody("dual")));
        var received = await Eventually.GetAsync(() => world.Mx.MessagesTo(recipient).FirstOrDefault(), "delivery to the MX");
        var verified = await VerifyDkimAsync(received);
        Assert.True(verified.ExitCode == 0, verified.All);
        Assert.Contains("rsa-sha256 pass", verified.Output);
        Assert.Contains("ed25519-sha256 pass", verified.Output);
    }

    [Fact]
    public async Task A_domain_without_records_cannot_send_out_but_its_internal_mail_arrives()
    {
        await MailWorld.AddDomainAsync(Outpost, "unready.test");
        var refused = await Submit.AsAsync(Outpost, "alice@unready.test", "alice@unready.test", $"x-{Submit.Token()}@remote.test", "not yet");
        Assert.Contains("550 5.7.1 The sending DNS records of unready.test are not set up: the SPF record of unready.test is missing (see 'outpost domain dns unready.test')", refused.All);

        var subject = "inside " + Submit.Token();
        await Submit.AcceptedAsync(Submit.AsAsync(Outpost, "alice@unready.test", "alice@unready.test", "bob@unready.test", subject));
        await Eventually.GetAsync(() => Outpost.MailboxFiles("bob@unready.test").FirstOrDefault(f => File.ReadAllText(f).Contains(subject)), "internal delivery");

        var refusals = await Outpost.CliJsonAsync("log", "--refusals");
        Assert.Contains(refusals.EnumerateArray(), r => r.GetProperty("sender").GetString() == "alice@unready.test"
            && r.GetProperty("reply").GetString()!.Contains("sending DNS records"));
    }

    [Fact]
    public async Task A_free_domain_is_told_about_its_plan_first()
    {
        await MailWorld.AddDomainAsync(Outpost, "freeplan.test", plan: "free");
        var refused = await Submit.AsAsync(Outpost, "alice@freeplan.test", "alice@freeplan.test", $"x-{Submit.Token()}@remote.test", "free");
        Assert.Contains("550 5.7.1 The free plan of freeplan.test cannot send to external recipients; upgrade to a paid plan", refused.All);
        await Submit.AcceptedAsync(Submit.AsAsync(Outpost, "alice@freeplan.test", "alice@freeplan.test", "bob@freeplan.test", "free inside"));
    }

    [Fact]
    public async Task Each_way_a_record_can_be_wrong_gets_its_status_and_sentence()
    {
        string[] domains = ["good.test", "nodkim.test", "otherkey.test", "twospf.test", "deepspf.test", "noinclude.test", "baddmarc.test"];
        var dkim = new Dictionary<string, (string Name, IReadOnlyList<string> Strings)>();
        foreach (var domain in domains)
        {
            await Outpost.CliAsync("domain", "add", domain);
            var records = await MailWorld.RecordsAsync(Outpost, domain);
            var key = records.Single(r => r.Kind == "dkim");
            dkim[domain] = (key.Name, key.Strings);
        }

        const string goodSpf = "v=spf1 include:_spf.outpost.test ~all";
        const string goodDmarc = "v=DMARC1; p=quarantine; rua=mailto:dmarc@example.com";
        var lines = new List<string>();
        void Publish(string domain, string[]? spf = null, bool withDkim = true, (string Name, IReadOnlyList<string> Strings)? key = null, string dmarc = goodDmarc)
        {
            foreach (var record in spf ?? [goodSpf])
                lines.Add(MailWorld.TxtRecord(domain, [record]));
            if (withDkim)
                lines.Add(MailWorld.TxtRecord(dkim[domain].Name, key?.Strings ?? dkim[domain].Strings));
            lines.Add(MailWorld.TxtRecord("_dmarc." + domain, [dmarc]));
        }
        Publish("good.test");
        Publish("nodkim.test", withDkim: false);
        Publish("otherkey.test", key: dkim["good.test"]);
        Publish("twospf.test", spf: [goodSpf, "v=spf1 ip4:192.0.2.1 -all"]);
        var deep = Enumerable.Range(1, 10).Select(i => $"include:d{i}.deep.test").ToList();
        Publish("deepspf.test", spf: [$"v=spf1 {string.Join(' ', deep)} include:_spf.outpost.test ~all"]);
        lines.AddRange(Enumerable.Range(1, 10).Select(i => MailWorld.TxtRecord($"d{i}.deep.test", ["v=spf1 ip4:192.0.2.200 -all"])));
        Publish("noinclude.test", spf: ["v=spf1 ip4:192.0.2.1 ~all"]);
        Publish("baddmarc.test", dmarc: "v=DMARC1; p=maybe");
        await world.Dns.PublishAsync(lines);

        async Task<Dictionary<string, JsonElement>> Check(string domain)
        {
            var report = await Outpost.CliJsonAsync("domain", "dns", domain, "--check");
            return report.GetProperty("records").EnumerateArray().ToDictionary(r => r.GetProperty("kind").GetString()!);
        }
        static void Expect(Dictionary<string, JsonElement> records, string kind, string status, string sentence)
        {
            Assert.Equal(status, records[kind].GetProperty("status").GetString());
            Assert.Contains(sentence, records[kind].GetProperty("sentence").GetString());
        }

        var good = await Check("good.test");
        Assert.All(good.Values, r => Assert.Equal("ok", r.GetProperty("status").GetString()));
        Assert.True((await Outpost.CliJsonAsync("domain", "dns", "good.test")).GetProperty("ready").GetBoolean());

        Expect(await Check("nodkim.test"), "dkim", "missing", $"There is no DKIM record at {dkim["nodkim.test"].Name}. Publish this TXT record there: v=DKIM1; k=rsa; p=");
        Expect(await Check("otherkey.test"), "dkim", "wrong", "carries another key than Outpost signs with");
        var twoSpf = await Check("twospf.test");
        Expect(twoSpf, "spf", "conflict", "twospf.test has 2 SPF records, which receivers treat as an error. Replace them all with this one: v=spf1 ");
        Assert.Contains("include:_spf.outpost.test", twoSpf["spf"].GetProperty("sentence").GetString());
        Assert.Contains("ip4:192.0.2.1", twoSpf["spf"].GetProperty("sentence").GetString());
        Expect(await Check("deepspf.test"), "spf", "wrong", "needs more than 10 DNS lookups");
        Expect(await Check("noinclude.test"), "spf", "wrong", "does not authorise the service's server 127.0.0.1 (it gets softfail). Publish instead: v=spf1 ip4:192.0.2.1 include:_spf.outpost.test ~all");
        Expect(await Check("baddmarc.test"), "dmarc", "wrong", "the policy p=maybe is not none, quarantine or reject");
    }
}
