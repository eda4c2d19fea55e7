using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// A hard bounce from a real MX (aiosmtpd answering 550 5.1.1) puts the address on the sending domain's
/// suppression list; the next message to it is refused at RCPT with the sentence, over SMTP and the API
/// alike; the list is read and changed through the CLI and the API; the lifecycle events tell the story.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class SuppressionTests(MailWorld world)
{
    OutpostServer Outpost => world.Outpost;

    [Fact]
    public async Task A_hard_bounce_suppresses_the_address_and_the_next_send_is_refused_with_the_reply()
    {
        var recipient = $"unknown-{Submit.Token()}@remote.test";
        var id = await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, recipient, "Invoice " + Submit.Token(), "Dear customer, the invoice for October is attached."));
        await Outpost.WaitForStatusAsync(id, "bounced");

        // The events outbox has the whole story of the first message.
        var events = await Outpost.CliJsonAsync("events", "--message", id);
        Assert.Equal(["queued", "bounced"], events.EnumerateArray().Select(e => e.GetProperty("type").GetString()));
        var bounced = events[1];
        Assert.Equal("5.1.1", bounced.GetProperty("reply").GetProperty("enhanced").GetString());
        Assert.Equal(550, bounced.GetProperty("reply").GetProperty("code").GetInt32());

        var list = await Outpost.CliJsonAsync("suppression", "list", "--domain", "example.com", "--search", recipient);
        var entry = Assert.Single(list.EnumerateArray());
        Assert.Equal("bounce", entry.GetProperty("source").GetString());
        Assert.Equal(id, entry.GetProperty("messageId").GetString());

        // SMTP: refused at RCPT with the remote reply in the sentence.
        var again = await Submit.AliceAsync(Outpost, recipient, "Invoice again");
        Assert.Contains($"550 5.1.1 <{recipient}> is suppressed since {DateTime.UtcNow:yyyy-MM-dd}: 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown", again.All);
        Assert.Null(Swaks.QueueId(again));

        // The API: the same sentence, and the list for the domain's admin.
        using var http = new HttpClient { BaseAddress = Outpost.Api, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"alice@example.com:{MailWorld.Password}")));
        var sent = await http.PostAsJsonAsync("messages", new { from = "alice@example.com", to = new[] { recipient }, subject = "Invoice by API", text = "Dear customer, here it is." });
        var body = await sent.Content.ReadAsStringAsync();
        Assert.False(sent.IsSuccessStatusCode, body);
        Assert.Contains("is suppressed since", body);
        // A mailbox does not read the domain's list; its admin does.
        Assert.Equal(System.Net.HttpStatusCode.Forbidden, (await http.GetAsync("suppressions")).StatusCode);
        using var admin = new HttpClient { BaseAddress = Outpost.Api, Timeout = TimeSpan.FromSeconds(60) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"admin@example.com:{MailWorld.Password}")));
        var listed = JsonDocument.Parse(await admin.GetStringAsync($"suppressions?search={Uri.EscapeDataString(recipient)}")).RootElement;
        Assert.Equal(recipient, Assert.Single(listed.EnumerateArray()).GetProperty("address").GetString());

        // Removed through the API, mail goes to it again (and bounces again, suppressing it once more).
        Assert.Equal(System.Net.HttpStatusCode.NoContent, (await admin.DeleteAsync($"suppressions/example.com/{Uri.EscapeDataString(recipient)}")).StatusCode);
        var third = await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, recipient, "Invoice, third try", "Dear customer, the invoice for October is attached."));
        await Outpost.WaitForStatusAsync(third, "bounced");
        Assert.Single((await Outpost.CliJsonAsync("suppression", "list", "--search", recipient)).EnumerateArray());
    }
}
