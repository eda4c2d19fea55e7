using Microsoft.Playwright;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// The dashboard in Debian's headless Chromium, against the real server: mail really delivered, bounced
/// and deferred by the remote MX shows in its charts for the operator and the domain's admin, and another
/// domain's admin sees none of it, only their own refusal.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class DashboardTests(MailWorld world)
{
    const string Domain = "webadmin.test";
    const string OtherDomain = "webother.test";

    async Task<OutpostServer> ServerAsync()
    {
        // The admin pages' shared server; the CLI refuses a second add, which is fine.
        var server = await world.SharedOutpostAsync("web", Domain, new Dictionary<string, string> { ["OUTPOST__Http__Tls"] = "true" });
        await server.CliWithInputAsync(MailWorld.Password + "\n", "mailbox", "add", $"op@{Domain}", "--operator");
        await server.CliAsync("domain", "add", OtherDomain);
        await server.CliWithInputAsync(MailWorld.Password + "\n", "mailbox", "add", $"admin@{OtherDomain}", "--admin");
        return server;
    }

    async Task<IPage> LoggedInAsync(OutpostServer server, string address)
    {
        var page = await (await world.SharedPeerAsync("chromium", Chromium.StartAsync)).NewPageAsync(server.Web);
        await page.GotoAsync("/login");
        await page.FillAsync("input[name=Address]", address);
        await page.FillAsync("input[name=Password]", MailWorld.Password);
        await page.ClickAsync("form.card button[type=submit]");
        await page.WaitForURLAsync("**/log");
        return page;
    }

    static async Task<string?> BarValueAsync(IPage page, string chart, string label)
    {
        var row = page.Locator($"#{chart} g.row[data-label=\"{label}\"]");
        return await row.CountAsync() == 0 ? null : await row.GetAttributeAsync("data-value");
    }

    [Fact]
    public async Task The_dashboard_charts_real_mail_in_each_readers_scope()
    {
        var server = await ServerAsync();
        var token = Submit.Token();
        var delivered = await Submit.AcceptedAsync(Submit.AsAsync(server, $"alice@{Domain}", $"alice@{Domain}", $"dash-{token}@remote.test", $"dashboard {token}"));
        var bounced = await Submit.AcceptedAsync(Submit.AsAsync(server, $"alice@{Domain}", $"alice@{Domain}", $"unknown-{token}@remote.test", $"dashboard bounce {token}"));
        var deferred = await Submit.AcceptedAsync(Submit.AsAsync(server, $"alice@{Domain}", $"alice@{Domain}", $"tempfail-{token}@remote.test", $"dashboard deferral {token}"));
        await server.WaitForStatusAsync(delivered, "delivered");
        await server.WaitForStatusAsync(bounced, "bounced");
        await server.WaitForStatusAsync(deferred, "deferred");
        // The other domain publishes no records, so its admin's message is refused at submission.
        var refused = await Submit.AsAsync(server, $"admin@{OtherDomain}", $"admin@{OtherDomain}", $"dash-{token}@remote.test", "not ready");
        Assert.DoesNotContain("queued as", refused.All);

        var op = await LoggedInAsync(server, $"op@{Domain}");
        Assert.Equal(200, (await op.GotoAsync("/dashboard"))!.Status);
        Assert.Contains("All mail", await op.Locator("main > p.muted").First.InnerTextAsync());
        Assert.True(int.Parse(await op.Locator("#accepted strong").InnerTextAsync()) >= 3);
        Assert.Contains("p50", await op.Locator("#latency").InnerTextAsync());
        Assert.True(await op.Locator("#hourly g.column:not([data-total=\"0\"]) rect.s-delivered").CountAsync() >= 1, "a delivered bar");
        Assert.True(await op.Locator("#hourly rect.s-bounced").CountAsync() >= 1, "a bounced bar");
        Assert.Contains("5.1.1", await op.Locator("#bounces").InnerTextAsync());
        Assert.Contains("451", await op.Locator("#deferrals").InnerTextAsync());
        Assert.NotNull(await BarValueAsync(op, "destinations", "remote.test"));
        Assert.True(await op.Locator("#channels g.row").CountAsync() >= 1, "a channel row");
        Assert.True(await op.Locator("#refusals g.row").CountAsync() >= 1, "the other domain's refusal");
        Assert.True(int.Parse(await op.Locator("#waiting strong").InnerTextAsync()) >= 1, "the deferred recipient waits");
        Assert.Equal(25, await op.Locator("#depth circle.point").CountAsync());
        Assert.Equal(168, await (await op.GotoAsync("/dashboard?range=7d"))!.Frame.Locator("#hourly g.column").CountAsync());
        await op.GotoAsync("/dashboard");
        await Chromium.ScreenshotAsync(op, "dashboard");

        // The domain's admin sees the same mail, scoped to the domain.
        var admin = await LoggedInAsync(server, $"admin@{Domain}");
        try
        {
            await admin.GotoAsync("/dashboard");
        }
        catch (PlaywrightException)
        {
            Assert.Fail("the domain admin's dashboard failed:\n" + server.Log[^Math.Min(8000, server.Log.Length)..]);
        }
        Assert.Contains($"Mail of {Domain}", await admin.Locator("main > p.muted").First.InnerTextAsync());
        Assert.NotNull(await BarValueAsync(admin, "destinations", "remote.test"));
        Assert.Contains("5.1.1", await admin.Locator("#bounces").InnerTextAsync());

        // Another domain's admin sees none of it: no accepted mail, no destinations, only their own refusal.
        var other = await LoggedInAsync(server, $"admin@{OtherDomain}");
        await other.GotoAsync("/dashboard");
        Assert.Contains($"Mail of {OtherDomain}", await other.Locator("main > p.muted").First.InnerTextAsync());
        Assert.Equal("0", await other.Locator("#accepted strong").InnerTextAsync());
        Assert.Null(await BarValueAsync(other, "destinations", "remote.test"));
        Assert.Equal(0, await other.Locator("#bounces g.row").CountAsync());
        Assert.Equal(0, await other.Locator("#hourly rect.s-delivered").CountAsync());
        Assert.True(await other.Locator("#refusals g.row").CountAsync() >= 1, "their own refusal");
        Assert.Equal("The range must be 24h or 7d.", (await (await other.GotoAsync("/dashboard?range=1y"))!.Frame.Locator("[role=alert]").InnerTextAsync()).Trim());

        var cleanup = await server.CliAsync("queue", "delete", deferred, "--reason", "end of the test");
        Assert.True(cleanup.ExitCode == 0 || cleanup.All.Contains("being delivered"), cleanup.All);
    }
}
