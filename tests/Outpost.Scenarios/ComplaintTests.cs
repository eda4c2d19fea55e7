using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MailKit.Net.Smtp;
using Microsoft.Playwright;
using MimeKit;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// The feedback mailbox end to end: a message goes through Outpost to the aiosmtpd MX, a feedback loop
/// sends an ARF report about it (swaks, to the feedback listener), and the complainer is suppressed (the
/// next RCPT to it is refused with the sentence), the restriction counts it, a complaint event is in the
/// outbox and the rate shows 1 of 1. A person's inline forward (MailKit) is matched too; a report that
/// says nothing is kept and listed with the reason; the page shows it all to those who may see it.
/// Each test has a server of its own, so the rates it reads are its own.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class ComplaintTests(MailWorld world)
{
    const string Business = "Dear Mr. Hall, please find attached the minutes of our meeting on Tuesday and the revised schedule for the installation at your site.";

    async Task<(OutpostServer Server, int FeedbackPort)> StartAsync(string domain, Dictionary<string, string>? extra = null)
    {
        var port = Ports.Free();
        var settings = new Dictionary<string, string>
        {
            ["OUTPOST__Complaints__Addresses__0"] = "fbl@outpost.test",
            ["OUTPOST__Complaints__Addresses__1"] = "abuse@outpost.test",
            ["OUTPOST__Complaints__Listen"] = $"127.0.0.1:{port}",
        };
        foreach (var (k, v) in extra ?? [])
            settings[k] = v;
        var server = await world.StartOutpostAsync($"{domain}-{Submit.Token()}", domain, settings);
        await Ports.WaitUntilOpenAsync("127.0.0.1", port, TimeSpan.FromSeconds(30));
        return (server, port);
    }

    /// <summary>Sends as alice of <paramref name="domain"/> and returns the bytes the MX received.</summary>
    async Task<(string Id, ReceivedMessage Received)> DeliveredAsync(OutpostServer server, string domain, string recipient)
    {
        var id = await Submit.AcceptedAsync(Submit.AsAsync(server, $"alice@{domain}", $"alice@{domain}", recipient, "Minutes " + Submit.Token(), Business));
        await server.WaitForStatusAsync(id, "delivered");
        var received = await Eventually.GetAsync(() => world.Mx.MessagesTo(recipient).FirstOrDefault(), "delivery to the MX");
        return (id, received);
    }

    /// <summary>An ARF report as a feedback loop makes it: the message as received, whole, as the third part.</summary>
    static string Arf(ReceivedMessage original, string recipient, string sender) =>
        "From: Feedback Loop <feedback@remote.test>\r\nTo: <fbl@outpost.test>\r\nSubject: Abuse report\r\n" +
        $"Date: {MimeKit.Utils.DateUtils.FormatDate(DateTimeOffset.UtcNow)}\r\nMessage-ID: <arf-{Submit.Token()}@remote.test>\r\nMIME-Version: 1.0\r\n" +
        "Content-Type: multipart/report; report-type=feedback-report; boundary=\"arf-boundary\"\r\n\r\n" +
        "--arf-boundary\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nThis is an abuse report for a message received from 127.0.0.1.\r\n" +
        "--arf-boundary\r\nContent-Type: message/feedback-report\r\n\r\n" +
        $"Feedback-Type: abuse\r\nUser-Agent: RemoteFBL/1.0\r\nVersion: 1\r\nOriginal-Mail-From: <{sender}>\r\nOriginal-Rcpt-To: <{recipient}>\r\n" +
        $"Arrival-Date: {MimeKit.Utils.DateUtils.FormatDate(DateTimeOffset.UtcNow)}\r\nSource-IP: 127.0.0.1\r\nReported-Domain: {sender[(sender.IndexOf('@') + 1)..]}\r\n\r\n" +
        "--arf-boundary\r\nContent-Type: message/rfc822\r\nContent-Disposition: inline\r\n\r\n" +
        original.Text.TrimEnd('\r', '\n') + "\r\n--arf-boundary--\r\n";

    async Task<ProcessResult> SendReportAsync(int port, string report, string to = "fbl@outpost.test")
    {
        var file = Path.Combine(world.Directory, $"report-{Submit.Token()}.eml");
        await File.WriteAllTextAsync(file, report);
        return await Swaks.RunAsync("--server", $"127.0.0.1:{port}", "--ehlo", "mx.remote.test", "--from", "feedback@remote.test", "--to", to, "--data", file);
    }

    static async Task<JsonElement> ComplaintsAsync(OutpostServer server, int count, params string[] filter)
    {
        var found = await Eventually.GetAsync<object>(async () =>
        {
            var list = await server.CliJsonAsync(["complaints", "list", .. filter]);
            return list.GetArrayLength() >= count ? list : null;
        }, $"{count} complaint(s)");
        return (JsonElement)found;
    }

    static HttpClient Api(OutpostServer server, string user)
    {
        var http = new HttpClient { BaseAddress = server.Api, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{MailWorld.Password}")));
        return http;
    }

    [Fact]
    public async Task An_arf_report_from_the_feedback_loop_suppresses_the_complainer_counts_and_makes_the_rate()
    {
        const string Domain = "fbl.test";
        var (server, port) = await StartAsync(Domain, new() { ["OUTPOST__Policy__ViolationsBeforeRestriction"] = "1" });
        await using var _ = server;
        var recipient = $"reader-{Submit.Token()}@remote.test";
        var (id, received) = await DeliveredAsync(server, Domain, recipient);
        Assert.Contains($"\r\nX-Outpost-Id: {id}\r\n", received.Text);

        // The feedback listener takes the report without AUTH, and nothing but the feedback addresses.
        var elsewhere = await SendReportAsync(port, Arf(received, recipient, $"alice@{Domain}"), to: $"bob@{Domain}");
        Assert.Contains("550 5.7.1 This server accepts mail only for its feedback addresses", elsewhere.All);
        var sent = await SendReportAsync(port, Arf(received, recipient, $"alice@{Domain}"));
        Assert.True(Swaks.QueueId(sent) is not null, sent.All);

        var complaint = (await ComplaintsAsync(server, 1))[0];
        Assert.Equal("matched", complaint.GetProperty("status").GetString());
        Assert.Equal("queue-id", complaint.GetProperty("matchedBy").GetString());
        Assert.Equal(id, complaint.GetProperty("messageId").GetString());
        Assert.Equal(recipient, complaint.GetProperty("complainer").GetString());
        Assert.Equal("abuse", complaint.GetProperty("feedbackType").GetString());
        Assert.Equal("RemoteFBL/1.0", complaint.GetProperty("userAgent").GetString());
        var today = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        // Suppressed: the next message to the complainer is refused at RCPT, whoever of the domain sends it.
        var again = await Submit.AsAsync(server, $"bob@{Domain}", $"bob@{Domain}", recipient, "Minutes again", Business);
        Assert.Contains($"550 5.1.1 <{recipient}> is suppressed since {today}: the recipient reported a message as spam or abuse on {today}", again.All);
        Assert.Null(Swaks.QueueId(again));
        var listed = Assert.Single((await server.CliJsonAsync("suppression", "list", "--domain", Domain)).EnumerateArray());
        Assert.Equal(("complaint", id), (listed.GetProperty("source").GetString(), listed.GetProperty("messageId").GetString()));

        // Counted towards the restriction (one violation is enough here): alice may not send out any more.
        var restricted = await Submit.AsAsync(server, $"alice@{Domain}", $"alice@{Domain}", $"other-{Submit.Token()}@remote.test", "Minutes", Business);
        Assert.Contains($"550 5.7.1 Sending is restricted for alice@{Domain}: 1 or more messages were refused or reported within 7 days, the last because a recipient reported the message as spam/abuse",
            restricted.All);

        // The complaint event, for the recipient of the original message.
        var events = await server.CliJsonAsync("events", "--message", id, "--type", "complaint");
        var complaintEvent = Assert.Single(events.EnumerateArray());
        Assert.Equal(recipient, complaintEvent.GetProperty("recipient").GetString());
        Assert.Equal("delivered", complaintEvent.GetProperty("to").GetString());

        // The rate: 1 complaint of 1 delivered.
        var rate = Assert.Single((await server.CliJsonAsync("complaints", "rate", "--domain", Domain)).EnumerateArray());
        Assert.Equal((1, 1, "bad"), (rate.GetProperty("complaints").GetInt32(), rate.GetProperty("delivered").GetInt32(), rate.GetProperty("level").GetString()));
        Assert.StartsWith("100.000 % (1 of 1 delivered in 30 days)", rate.GetProperty("sentence").GetString());

        // The same report again changes nothing twice.
        Assert.NotNull(Swaks.QueueId(await SendReportAsync(port, Arf(received, recipient, $"alice@{Domain}"))));
        var both = await ComplaintsAsync(server, 2);
        Assert.Equal("duplicate", both[0].GetProperty("status").GetString());
        Assert.Equal(1, (await server.CliJsonAsync("complaints", "rate", "--domain", Domain))[0].GetProperty("complaints").GetInt32());

        // The API: the domain's admin reads the complaints and the rate; a mailbox may not; the raw report is the operator's.
        using var admin = Api(server, $"admin@{Domain}");
        var api = JsonDocument.Parse(await admin.GetStringAsync("complaints")).RootElement.GetProperty("complaints");
        Assert.Equal(2, api.GetArrayLength());
        var apiRate = JsonDocument.Parse(await admin.GetStringAsync("complaints/rate")).RootElement[0];
        Assert.Equal((1, 1), (apiRate.GetProperty("complaints").GetInt32(), apiRate.GetProperty("delivered").GetInt32()));
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync($"complaints/{complaint.GetProperty("id").GetInt64()}/raw")).StatusCode);
        using var alice = Api(server, $"alice@{Domain}");
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("complaints")).StatusCode);
    }

    [Fact]
    public async Task A_forwarded_complaint_is_matched_and_a_report_that_says_nothing_is_kept_with_the_reason()
    {
        const string Domain = "fwd.test";
        var (server, port) = await StartAsync(Domain);
        await using var _ = server;
        var recipient = $"carol-{Submit.Token()}@remote.test";
        var (id, received) = await DeliveredAsync(server, Domain, recipient);
        var date = received.Text.Split("\r\n").First(l => l.StartsWith("Date: ", StringComparison.Ordinal))["Date: ".Length..];

        // Carol forwards it inline from her mail program to the abuse address, with a line of her own (MailKit as her client).
        var forward = new MimeMessage();
        forward.From.Add(MailboxAddress.Parse(recipient));
        forward.To.Add(MailboxAddress.Parse("abuse@outpost.test"));
        forward.Subject = "Fwd: Minutes";
        forward.Body = new TextPart("plain")
        {
            Text = $"I do not know these people; please stop this.\r\n\r\n---------- Forwarded message ---------\r\nFrom: Alice <alice@{Domain}>\r\n" +
                $"Date: {date}\r\nSubject: Minutes\r\nTo: <{recipient}>\r\n\r\n{Business}\r\n",
        };
        using (var client = new SmtpClient())
        {
            await client.ConnectAsync("127.0.0.1", port, MailKit.Security.SecureSocketOptions.None);
            await client.SendAsync(forward);
            await client.DisconnectAsync(true);
        }
        var matched = (await ComplaintsAsync(server, 1))[0];
        Assert.Equal(("matched", "forwarded", "sender-recipient-date"),
            (matched.GetProperty("status").GetString(), matched.GetProperty("kind").GetString(), matched.GetProperty("matchedBy").GetString()));
        Assert.Equal((id, recipient), (matched.GetProperty("messageId").GetString(), matched.GetProperty("complainer").GetString()));
        Assert.Equal("I do not know these people; please stop this.", matched.GetProperty("comment").GetString());
        var refused = await Submit.AsAsync(server, $"alice@{Domain}", $"alice@{Domain}", recipient, "Minutes again", Business);
        Assert.Contains($"<{recipient}> is suppressed since", refused.All);

        // A hosted user forwards something that is no complaint over submission: kept, listed as unmatched, with why.
        var note = await Submit.AsAsync(server, $"bob@{Domain}", $"bob@{Domain}", "abuse@outpost.test", "Question", "Is this the abuse desk? Please call me back.");
        Assert.NotNull(Swaks.QueueId(note));
        var unmatched = (await ComplaintsAsync(server, 1, "--status", "unmatched"))[0];
        Assert.Equal("unknown", unmatched.GetProperty("kind").GetString());
        Assert.Equal("The message is neither a feedback report (RFC 5965) nor a forwarded message: it carries no original message, attached or quoted.",
            unmatched.GetProperty("explanation").GetString());
        var raw = await server.CliAsync("complaints", "show", unmatched.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture), "--raw");
        Assert.Contains("Is this the abuse desk? Please call me back.", raw.Output);
        Assert.Contains("Subject: Question", raw.Output);
        // Not stored in a mailbox: the feedback addresses have none.
        Assert.Empty(server.MailboxFiles("abuse@outpost.test"));
        Assert.Empty(server.MailboxFiles("fbl@outpost.test"));
    }

    [Fact]
    public async Task The_complaints_page_shows_the_rate_and_reports_to_admins_and_operators_and_an_operator_reads_a_file()
    {
        const string Domain = "fblweb.test";
        var (server, port) = await StartAsync(Domain);
        await using var _ = server;
        Assert.Equal(0, (await server.CliWithInputAsync(MailWorld.Password + "\n", "mailbox", "add", $"op@{Domain}", "--operator")).ExitCode);
        var recipient = $"web-{Submit.Token()}@remote.test";
        var (id, received) = await DeliveredAsync(server, Domain, recipient);
        Assert.NotNull(Swaks.QueueId(await SendReportAsync(port, Arf(received, recipient, $"alice@{Domain}"))));
        await ComplaintsAsync(server, 1);

        var browser = await world.SharedPeerAsync("chromium", Chromium.StartAsync);
        async Task<IPage> LoggedInAsync(string address)
        {
            var page = await browser.NewPageAsync(server.Web);
            await page.GotoAsync("/login");
            await page.FillAsync("input[name=Address]", address);
            await page.FillAsync("input[name=Password]", MailWorld.Password);
            await page.ClickAsync("form.card button[type=submit]");
            await page.WaitForURLAsync("**/log");
            return page;
        }

        // The domain admin: the rate against the thresholds, the report with its message and complainer; no raw report.
        var admin = await LoggedInAsync($"admin@{Domain}");
        await admin.GotoAsync("/complaints");
        var rate = admin.Locator("tr.rate", new() { HasText = Domain });
        Assert.Contains("100.000 % (1 of 1 delivered in 30 days)", await rate.InnerTextAsync());
        var row = admin.Locator("tr.complaint", new() { HasText = recipient });
        Assert.Contains(id, await row.InnerTextAsync());
        Assert.Contains("matched", await row.InnerTextAsync());
        await row.Locator("a").First.ClickAsync();
        await admin.WaitForURLAsync("**/complaints/*");
        Assert.Contains($"Matched to {id} by its queue id (X-Outpost-Id)", await admin.Locator("#explanation").InnerTextAsync());
        Assert.Equal(0, await admin.Locator("pre.raw").CountAsync());

        // A user may not open the page at all.
        var alice = await LoggedInAsync($"alice@{Domain}");
        Assert.Equal(403, (await alice.GotoAsync("/complaints"))!.Status);
        Assert.Equal(0, await alice.Locator("a[href='/complaints']").CountAsync());

        // The operator reads a file someone forwarded by hand: it cannot be matched, and says why; the raw report is shown.
        var op = await LoggedInAsync($"op@{Domain}");
        await op.GotoAsync("/complaints");
        await Chromium.ScreenshotAsync(op, "complaints");
        await op.SetInputFilesAsync("form.read input[name=Report]", new FilePayload
        {
            Name = "complaint.eml", MimeType = "message/rfc822",
            Buffer = Encoding.UTF8.GetBytes("From: someone@remote.test\r\nSubject: spam?\r\n\r\nI got spam from you, but I deleted it.\r\n"),
        });
        await op.ClickAsync("form.read button[type=submit]");
        await op.WaitForURLAsync("**/complaints/*");
        Assert.Contains("could not be matched", await op.Locator("h1").InnerTextAsync());
        Assert.Contains("neither a feedback report (RFC 5965) nor a forwarded message", await op.Locator("#explanation").InnerTextAsync());
        Assert.Contains("I got spam from you, but I deleted it.", await op.Locator("pre.raw").InnerTextAsync());
        await op.GotoAsync("/complaints?status=unmatched");
        Assert.Equal(1, await op.Locator("tr.complaint").CountAsync());
    }
}
