using System.Net;
using Microsoft.Playwright;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// The admin pages in Debian's headless Chromium, against the real server over HTTPS: log in, compose
/// and send, see the message delivered, a domain's DNS page, the operator's queue; and what each role
/// may not see.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class AdminPagesTests(MailWorld world)
{
    const string Domain = "webadmin.test";
    const string OtherDomain = "webother.test";

    async Task<OutpostServer> ServerAsync()
    {
        var server = await world.SharedOutpostAsync("web", Domain, new Dictionary<string, string> { ["OUTPOST__Http__Tls"] = "true" });
        // An operator, and a second domain with its own admin; the CLI refuses a second add, which is fine.
        await server.CliWithInputAsync(MailWorld.Password + "\n", "mailbox", "add", $"op@{Domain}", "--operator");
        await server.CliAsync("domain", "add", OtherDomain);
        await server.CliWithInputAsync(MailWorld.Password + "\n", "mailbox", "add", $"admin@{OtherDomain}", "--admin");
        return server;
    }

    Task<Chromium> BrowserAsync() => world.SharedPeerAsync("chromium", Chromium.StartAsync);

    async Task<IPage> LoggedInAsync(OutpostServer server, string address)
    {
        var page = await (await BrowserAsync()).NewPageAsync(server.Web);
        await page.GotoAsync("/login");
        await page.FillAsync("input[name=Address]", address);
        await page.FillAsync("input[name=Password]", MailWorld.Password);
        await page.ClickAsync("form.card button[type=submit]");
        await page.WaitForURLAsync("**/log");
        return page;
    }

    [Fact]
    public async Task An_operator_sees_the_node_live_with_its_version_on_the_nodes_page_and_a_user_may_not()
    {
        var server = await ServerAsync();
        // On SQLite the one node, as `outpost nodes` lists it (its row is written by the heartbeat at start).
        var listed = (await server.CliJsonAsync("nodes")).EnumerateArray().Single();
        var id = listed.GetProperty("id").GetString()!;
        Assert.Equal("live", listed.GetProperty("status").GetString());
        var op = await LoggedInAsync(server, $"op@{Domain}");
        Assert.Equal(200, (await op.GotoAsync("/nodes"))!.Status);
        var row = await op.Locator("tr.node").InnerTextAsync();
        Assert.Contains(id, row, StringComparison.Ordinal);
        Assert.Contains("live", row, StringComparison.Ordinal);
        Assert.Contains(listed.GetProperty("version").GetString()!, row, StringComparison.Ordinal);
        Assert.Equal(1, await op.Locator("nav a[href='/nodes']").CountAsync());
        await Chromium.ScreenshotAsync(op, "nodes");
        var alice = await LoggedInAsync(server, $"alice@{Domain}");
        Assert.Equal(403, (await alice.GotoAsync("/nodes"))!.Status);
        Assert.Equal(0, await alice.Locator("nav a[href='/nodes']").CountAsync());
    }

    [Fact]
    public async Task An_operator_sees_the_doctors_findings_and_a_user_may_not()
    {
        var server = await ServerAsync();
        var op = await LoggedInAsync(server, $"op@{Domain}");
        Assert.Equal(200, (await op.GotoAsync("/doctor"))!.Status);
        // The world's DNS serves no PTR for the sending address 127.0.0.1 (dnsmasq without hosts refuses or denies it):
        // the page names the address and does not call it ok.
        var row = await op.Locator("tr.finding", new() { HasText = "reverse DNS 127.0.0.1" }).InnerTextAsync();
        Assert.Contains("127.0.0.1 (sending address 127.0.0.1)", row, StringComparison.Ordinal);
        Assert.True(row.Contains("problem", StringComparison.Ordinal) || row.Contains("warning", StringComparison.Ordinal), row);
        Assert.Contains("passes its integrity check", await op.Locator("tr.finding", new() { HasText = "database integrity" }).InnerTextAsync(), StringComparison.Ordinal);
        await Chromium.ScreenshotAsync(op, "doctor");
        var alice = await LoggedInAsync(server, $"alice@{Domain}");
        Assert.Equal(403, (await alice.GotoAsync("/doctor"))!.Status);
    }

    [Fact]
    public async Task A_wrong_password_shows_authentication_failed_and_no_session()
    {
        var server = await ServerAsync();
        var page = await (await BrowserAsync()).NewPageAsync(server.Web);
        await page.GotoAsync("/log");
        Assert.EndsWith("/login?ReturnUrl=%2Flog", page.Url);
        await page.FillAsync("input[name=Address]", $"alice@{Domain}");
        await page.FillAsync("input[name=Password]", "not-the-password");
        await Chromium.ScreenshotAsync(page, "login");
        await page.ClickAsync("button[type=submit]");
        Assert.Equal("Authentication failed", (await page.Locator("[role=alert]").InnerTextAsync()).Trim());
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "outpost.session");
    }

    [Fact]
    public async Task Compose_sends_with_an_attachment_and_the_send_log_shows_it_delivered()
    {
        var server = await ServerAsync();
        var page = await LoggedInAsync(server, $"alice@{Domain}");
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "outpost.session");
        Assert.True(cookie.HttpOnly && cookie.Secure, "the session cookie is HttpOnly and Secure over HTTPS");
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);

        var token = Submit.Token();
        var recipient = $"web-{token}@remote.test";
        await page.GotoAsync("/compose");
        Assert.Contains("25 MB", await page.Locator("#size-note").InnerTextAsync());
        await page.FillAsync("input[name=To]", recipient);
        await page.FillAsync("input[name=Subject]", $"Agenda {token}");
        await page.FillAsync("textarea[name=Text]", "Dear Carol, the agenda for Thursday is attached. Best regards, Alice");
        await page.SetInputFilesAsync("input[name=Attachments]", new FilePayload { Name = "agenda.txt", MimeType = "text/plain", Buffer = "1. Welcome\r\n2. Budget\r\n"u8.ToArray() });
        await Chromium.ScreenshotAsync(page, "compose");
        await page.ClickAsync("#compose button[type=submit]");
        try
        {
            await page.WaitForURLAsync("**/log/*");
        }
        catch (TimeoutException)
        {
            Assert.Fail($"compose did not lead to the message page: {page.Url}\n{await page.ContentAsync()}\n{server.Log[^Math.Min(4000, server.Log.Length)..]}");
        }
        Assert.Contains("Sent: queued as", await page.Locator(".flash").InnerTextAsync());

        var received = await Eventually.GetAsync(() => world.Mx.MessagesTo(recipient).FirstOrDefault(), "delivery to the remote MX");
        Assert.Contains("agenda.txt", received.Text);
        Assert.Contains($"Agenda {token}", received.Text);

        // The message page shows the delivery in its timeline; the log lists it as delivered.
        await Eventually.GetAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.Locator("tr.recipient .badge").InnerTextAsync() == "delivered" ? "" : null;
        }, "the message page to show delivered");
        Assert.Contains("250", await page.Locator(".timeline").InnerTextAsync());
        await Chromium.ScreenshotAsync(page, "message");

        await page.GotoAsync($"/log?to={Uri.EscapeDataString(recipient)}");
        var row = page.Locator("table.log tbody tr").First;
        Assert.Contains(recipient, await row.InnerTextAsync());
        Assert.Equal("delivered", await row.Locator(".badge").InnerTextAsync());
        await page.GotoAsync("/log");
        await Chromium.ScreenshotAsync(page, "send-log");
    }

    [Fact]
    public async Task A_domain_admin_sees_the_dns_records_with_their_status_and_can_check_now()
    {
        var server = await ServerAsync();
        var page = await LoggedInAsync(server, $"admin@{Domain}");
        await page.GotoAsync($"/domains/{Domain}");
        var kinds = await page.Locator("tr.record").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.kind)");
        Assert.Contains("spf", kinds);
        Assert.Contains("dkim", kinds);
        Assert.Contains("dmarc", kinds);
        // Each copy button carries exactly the value published (the world published these very values).
        var records = await MailWorld.RecordsAsync(server, Domain);
        var dkim = records.First(r => r.Kind == "dkim");
        Assert.Equal(string.Concat(dkim.Strings), await page.Locator("tr.record[data-kind=dkim] td:nth-child(4) button.copy").First.GetAttributeAsync("data-copy"));

        await page.ClickAsync("text=Check now");
        // The form posts and comes back to the same address, so wait for the answer, not for the URL.
        await page.Locator(".flash", new() { HasText = "every required record" }).WaitForAsync(new() { Timeout = 60_000 });
        Assert.Contains("every required record is in place", await page.Locator(".flash").InnerTextAsync());
        Assert.Equal("ready to send", await page.Locator("main > p .badge").First.InnerTextAsync());
        Assert.All(await page.Locator("tr.record .badge").AllInnerTextsAsync(), status => Assert.Equal("ok", status));
        await Chromium.ScreenshotAsync(page, "domain-dns");
    }

    [Fact]
    public async Task An_operator_holds_and_releases_a_deferred_message_from_the_queue_page()
    {
        var server = await ServerAsync();
        var token = Submit.Token();
        var id = await Submit.AcceptedAsync(Submit.AsAsync(server, $"alice@{Domain}", $"alice@{Domain}", $"tempfail-{token}@remote.test", $"queue {token}"));
        await server.WaitForStatusAsync(id, "deferred", "delivering");
        var page = await LoggedInAsync(server, $"op@{Domain}");

        // The recipient is retried every second; hold it between two tries.
        await Eventually.GetAsync(async () =>
        {
            await page.GotoAsync("/queue");
            var row = page.Locator("tr.waiting", new() { HasText = id });
            if (await row.Locator("button", new() { HasText = "Hold" }).CountAsync() == 0)
                return null;
            await row.Locator("button", new() { HasText = "Hold" }).ClickAsync();
            return (await page.Locator(".flash").InnerTextAsync()).Contains("are held") ? "" : null;
        }, "the hold to take");
        var held = await server.WaitForStatusAsync(id, "held");
        var attempts = held.GetProperty("recipients")[0].GetProperty("attempts").GetInt32();
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(attempts, (await server.CliJsonAsync("status", id)).GetProperty("recipients")[0].GetProperty("attempts").GetInt32());

        await page.Locator("tr.waiting", new() { HasText = id }).Locator("button", new() { HasText = "Release" }).ClickAsync();
        Assert.Contains("released", await page.Locator(".flash").InnerTextAsync());
        await Eventually.GetAsync(async () =>
            (await server.CliJsonAsync("status", id)).GetProperty("recipients")[0].GetProperty("attempts").GetInt32() > attempts ? "" : null, "a try after release");
        await server.CliAsync("queue", "hold", id);
    }

    [Fact]
    public async Task An_operator_holds_and_releases_by_recipient_domain_on_the_queue_page_and_sees_it_audited()
    {
        var server = await ServerAsync();
        var token = Submit.Token();
        var destination = $"webhold-{token}.test";
        await world.Dns.PublishAsync([$"mx-host={destination},mx.remote.test,10"]);
        var id = await Submit.AcceptedAsync(Submit.AsAsync(server, $"alice@{Domain}", $"alice@{Domain}", $"tempfail-{token}@{destination}", $"incident {token}"));
        await server.WaitForStatusAsync(id, "deferred", "delivering");
        var page = await LoggedInAsync(server, $"op@{Domain}");

        await page.GotoAsync("/queue");
        await page.FillAsync("#filters input[name=Domain]", destination);
        await page.ClickAsync("#filters button[type=submit]");
        var row = page.Locator($"table.summary tr[data-key='{destination}']");
        await row.WaitForAsync();
        Assert.StartsWith($"{destination} 1", (await row.InnerTextAsync()).Replace('\t', ' ').Trim());

        // The recipient is retried every second; a hold taken while a try runs leaves it alone, so try again.
        async Task<string?> ActAsync(string action, string reason, string done)
        {
            await page.SelectOptionAsync("#act select[name=Action]", action);
            await page.FillAsync("#act input[name=Reason]", reason);
            // The form posts and comes back to the same filters: wait for that new page (the mark on this one is
            // gone), not for a sentence an earlier answer showed.
            await page.EvaluateAsync("document.body.dataset.before = 'yes'");
            await page.ClickAsync("#act button[type=submit]");
            await page.Locator("body:not([data-before])").WaitForAsync();
            return (await page.Locator(".flash").AllInnerTextsAsync()).Any(t => t.Contains(done)) ? "" : null;
        }
        await Eventually.GetAsync(() => ActAsync("hold", "their MX answers 451 to everything", "are held"), "the hold by domain to take");
        Assert.Contains($"1 recipient(s) of domain={destination} are held.", await page.Locator(".flash").InnerTextAsync());
        var attempts = (await server.WaitForStatusAsync(id, "held")).GetProperty("recipients")[0].GetProperty("attempts").GetInt32();
        var line = page.Locator("tr.audit-line", new() { HasText = destination }).First;
        Assert.Equal($"op@{Domain}", await line.Locator("td").Nth(1).InnerTextAsync());
        Assert.Equal(["web", "hold", $"domain={destination}", "their MX answers 451 to everything", "1"],
            (await line.Locator("td").AllInnerTextsAsync()).Skip(2).Take(5).Select(t => t.Trim()));
        await Chromium.ScreenshotAsync(page, "queue");
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(attempts, (await server.CliJsonAsync("status", id)).GetProperty("recipients")[0].GetProperty("attempts").GetInt32());

        await ActAsync("release", "the MX is fixed", "are released");
        Assert.Contains($"1 recipient(s) of domain={destination} are released and will be tried now.", await page.Locator(".flash").InnerTextAsync());
        await Eventually.GetAsync(async () =>
            (await server.CliJsonAsync("status", id)).GetProperty("recipients")[0].GetProperty("attempts").GetInt32() > attempts ? "" : null, "a try after the release");
        Assert.Equal(["release", "hold"], (await page.Locator("tr.audit-line", new() { HasText = destination }).Locator("td:nth-child(4)").AllInnerTextsAsync()).Take(2));

        // Another domain's admin sees the page, but neither this mail nor its audit lines.
        var other = await LoggedInAsync(server, $"admin@{OtherDomain}");
        Assert.Equal(200, (await other.GotoAsync($"/queue?Domain={destination}"))!.Status);
        Assert.Equal(0, await other.Locator("tr.waiting", new() { HasText = id }).CountAsync());
        Assert.Equal(0, await other.Locator("tr.audit-line", new() { HasText = destination }).CountAsync());
        var cleanup = await server.CliAsync("queue", "delete", id, "--reason", "end of the test");
        Assert.True(cleanup.ExitCode == 0 || cleanup.All.Contains("being delivered"), cleanup.All);
    }

    [Fact]
    public async Task A_domain_admin_suppresses_and_removes_an_address_on_the_suppressions_page()
    {
        var server = await ServerAsync();
        var page = await LoggedInAsync(server, $"admin@{Domain}");
        var address = $"gone-{Submit.Token()}@remote.test";
        await page.GotoAsync("/suppressions");
        await page.FillAsync("form.decide input[name=address]", address);
        await page.FillAsync("form.decide input[name=reason]", "the customer left the company");
        await page.ClickAsync("form.decide button[type=submit]");
        await page.Locator(".flash", new() { HasText = "is suppressed for" }).WaitForAsync(new() { Timeout = 60_000 });
        Assert.Contains($"{address} is suppressed for {Domain}", await page.Locator(".flash").InnerTextAsync());
        var row = page.Locator("tr.suppression", new() { HasText = address });
        Assert.Contains($"550 5.1.1 <{address}> is suppressed since {DateTime.UtcNow:yyyy-MM-dd}: the customer left the company", await row.InnerTextAsync());
        await Chromium.ScreenshotAsync(page, "suppressions");

        // What the page did, the server does: the next message to the address is refused with that sentence.
        var refused = await Submit.AsAsync(server, $"admin@{Domain}", $"admin@{Domain}", address, "after the page");
        Assert.Contains($"<{address}> is suppressed since", refused.All);

        await row.Locator("button[type=submit]").ClickAsync();
        await page.Locator(".flash", new() { HasText = "no longer suppressed" }).WaitForAsync(new() { Timeout = 60_000 });
        Assert.Contains("is no longer suppressed", await page.Locator(".flash").InnerTextAsync());
        Assert.Equal(0, await page.Locator("tr.suppression", new() { HasText = address }).CountAsync());

        var alice = await LoggedInAsync(server, $"alice@{Domain}");
        Assert.Equal(403, (await alice.GotoAsync("/suppressions"))!.Status);
    }

    [Fact]
    public async Task A_domain_admin_and_an_operator_manage_webhooks_on_the_webhooks_page()
    {
        var server = await ServerAsync();
        var receiver = await world.SharedPeerAsync("webhook-receiver", WebhookReceiver.StartAsync);
        var name = "page" + Submit.Token();
        var page = await LoggedInAsync(server, $"admin@{Domain}");
        await page.GotoAsync("/webhooks");
        await page.FillAsync("form.webhook-add input[name=Url]", receiver.Url(name));
        await page.ClickAsync("form.webhook-add button[type=submit]");
        var secret = (await page.Locator("#new-secret").InnerTextAsync()).Trim();
        Assert.StartsWith("whsec_", secret);
        await receiver.SetSecretAsync(name, secret);
        var row = page.Locator("tr.webhook", new() { HasText = receiver.Url(name) });
        Assert.Contains("active", await row.InnerTextAsync());
        var events = await row.InnerTextAsync();
        Assert.True(events.Contains("held, deferred, delivered, bounced, rejected, suppressed, complaint", StringComparison.Ordinal), events);

        // A domain's endpoint may not reach loopback (this server does not allow private networks): the test says so.
        await row.Locator("button", new() { HasText = "Send test" }).ClickAsync();
        await page.Locator(".flash", new() { HasText = "Test event" }).WaitForAsync(new() { Timeout = 60_000 });
        Assert.Contains("failed: no answer: 127.0.0.1 is not a public address", await page.Locator(".flash").InnerTextAsync());
        Assert.Contains("127.0.0.1 is not a public address", await page.Locator("tr.attempt").First.InnerTextAsync());
        Assert.DoesNotContain(secret, await page.ContentAsync()); // shown once

        await row.Locator("button", new() { HasText = "Pause" }).ClickAsync();
        await page.Locator(".flash", new() { HasText = "is paused" }).WaitForAsync(new() { Timeout = 60_000 });
        Assert.Contains($"Paused by admin@{Domain}.", await row.InnerTextAsync());
        await row.Locator("button", new() { HasText = "Resume" }).ClickAsync();
        await page.Locator(".flash", new() { HasText = "is resumed" }).WaitForAsync(new() { Timeout = 60_000 });
        Assert.Contains("active", await row.InnerTextAsync());
        await Chromium.ScreenshotAsync(page, "webhooks");

        // An operator sees it, and adds one for every domain, which may reach loopback: its test arrives, signed.
        var op = await LoggedInAsync(server, $"op@{Domain}");
        await op.GotoAsync("/webhooks");
        Assert.Equal(1, await op.Locator("tr.webhook", new() { HasText = receiver.Url(name) }).CountAsync());
        var global = name + "all";
        await op.FillAsync("form.webhook-add input[name=Url]", receiver.Url(global));
        await op.ClickAsync("form.webhook-add button[type=submit]");
        await receiver.SetSecretAsync(global, (await op.Locator("#new-secret").InnerTextAsync()).Trim());
        var globalRow = op.Locator("tr.webhook", new() { HasText = receiver.Url(global) });
        Assert.Contains("every domain", await globalRow.InnerTextAsync());
        await globalRow.Locator("button", new() { HasText = "Send test" }).ClickAsync();
        await op.Locator(".flash", new() { HasText = "Test event" }).WaitForAsync(new() { Timeout = 60_000 });
        Assert.Contains("delivered to endpoint", await op.Locator(".flash").InnerTextAsync());
        // An endpoint for every domain also gets the events of the other tests sharing this server: count the test events.
        Assert.True(Assert.Single(await receiver.ReceivedAsync(global), w => w.Type == "test").Valid);

        // The domain admin does not see the operator's endpoint; removing their own takes it off the list.
        await page.GotoAsync("/webhooks");
        Assert.Equal(0, await page.Locator("tr.webhook", new() { HasText = receiver.Url(global) }).CountAsync());
        await page.Locator("tr.webhook", new() { HasText = receiver.Url(name) }).Locator("button", new() { HasText = "Remove" }).ClickAsync();
        await page.Locator(".flash", new() { HasText = "is removed" }).WaitForAsync(new() { Timeout = 60_000 });
        Assert.Equal(0, await page.Locator("tr.webhook", new() { HasText = receiver.Url(name) }).CountAsync());

        var alice = await LoggedInAsync(server, $"alice@{Domain}");
        Assert.Equal(403, (await alice.GotoAsync("/webhooks"))!.Status);
    }

    [Fact]
    public async Task Each_role_sees_only_its_own_scope()
    {
        var server = await ServerAsync();
        var token = Submit.Token();
        var bobs = await Submit.AcceptedAsync(Submit.AsAsync(server, $"bob@{Domain}", $"bob@{Domain}", $"alice@{Domain}", $"private {token}"));

        var alice = await LoggedInAsync(server, $"alice@{Domain}");
        Assert.Equal(404, (await alice.GotoAsync($"/log/{bobs}"))!.Status);
        await alice.GotoAsync("/log");
        Assert.DoesNotContain($"private {token}", await alice.ContentAsync());
        Assert.Equal(403, (await alice.GotoAsync("/queue"))!.Status);
        Assert.Equal(403, (await alice.GotoAsync("/channels"))!.Status);
        Assert.Equal(0, await alice.Locator("a[href='/queue']").CountAsync());

        var domainAdmin = await LoggedInAsync(server, $"admin@{Domain}");
        Assert.Equal(200, (await domainAdmin.GotoAsync($"/log/{bobs}"))!.Status);
        Assert.Equal(404, (await domainAdmin.GotoAsync($"/domains/{OtherDomain}"))!.Status);

        var otherAdmin = await LoggedInAsync(server, $"admin@{OtherDomain}");
        Assert.Equal(404, (await otherAdmin.GotoAsync($"/log/{bobs}"))!.Status);
        Assert.Equal(404, (await otherAdmin.GotoAsync($"/domains/{Domain}"))!.Status);
        await otherAdmin.GotoAsync("/domains");
        Assert.DoesNotContain(Domain + "<", await otherAdmin.ContentAsync());

        var op = await LoggedInAsync(server, $"op@{Domain}");
        Assert.Equal(200, (await op.GotoAsync($"/log/{bobs}"))!.Status);
        Assert.Equal(200, (await op.GotoAsync($"/domains/{OtherDomain}"))!.Status);
    }

    [Fact]
    public async Task A_key_made_on_the_keys_page_works_once_shown_and_stops_when_revoked()
    {
        var server = await ServerAsync();
        var page = await LoggedInAsync(server, $"alice@{Domain}");
        await page.GotoAsync("/keys");
        Assert.Equal(1, await page.Locator("select[name=Scope] option").CountAsync());   // a user makes keys for the mailbox only
        await page.ClickAsync("text=Create a key");
        var secret = (await page.Locator("#new-key").InnerTextAsync()).Trim();
        Assert.StartsWith("op_", secret);

        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true };
        using var http = new HttpClient(handler) { BaseAddress = server.Api };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secret);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("messages?limit=1")).StatusCode);

        await page.GotoAsync("/keys");
        Assert.DoesNotContain(secret, await page.ContentAsync());   // shown once
        var id = secret.Split('_')[1];
        await page.Locator("tr.key", new() { HasText = id }).Locator("button", new() { HasText = "Revoke" }).ClickAsync();
        Assert.Contains("revoked", await page.Locator(".flash").InnerTextAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.GetAsync("messages?limit=1")).StatusCode);

        // Another mailbox's page does not list it, and cannot revoke it.
        var bob = await LoggedInAsync(server, $"bob@{Domain}");
        await bob.GotoAsync("/keys");
        Assert.DoesNotContain(id, await bob.ContentAsync());
    }

    [Fact]
    public async Task A_form_post_without_the_antiforgery_token_is_refused()
    {
        var server = await ServerAsync();
        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true, AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = server.Web };
        var response = await http.PostAsync("login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Address"] = $"alice@{Domain}", ["Password"] = MailWorld.Password,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(response.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("outpost.session", StringComparison.Ordinal)));
    }
}
