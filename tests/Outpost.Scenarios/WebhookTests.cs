using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// Webhooks end to end: the real server sends mail through swaks to the aiosmtpd MX, and a Node.js
/// receiver checks every webhook's signature with the standardwebhooks package. Each kind of event
/// arrives (delivered, deferred, bounced, suppressed, rejected); a receiver that fails for a while gets
/// the retries later, each message's events in order.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class WebhookTests(MailWorld world)
{
    /// <summary>Fast retries and polling; a domain's endpoint may reach the receiver on loopback.</summary>
    public static readonly Dictionary<string, string> Settings = new()
    {
        ["OUTPOST__Webhooks__PollInterval"] = "00:00:00.200",
        ["OUTPOST__Webhooks__RetryFirst"] = "00:00:01",
        ["OUTPOST__Webhooks__RetryLongest"] = "00:00:02",
        ["OUTPOST__Webhooks__RetryJitter"] = "0",
        ["OUTPOST__Webhooks__AllowPrivateNetworks"] = "true",
    };

    Task<WebhookReceiver> ReceiverAsync() => world.SharedPeerAsync("webhook-receiver", WebhookReceiver.StartAsync);

    /// <summary>Adds an endpoint through the CLI and gives the receiver its secret.</summary>
    public static async Task<long> AddEndpointAsync(OutpostServer server, WebhookReceiver receiver, string name, params string[] options)
    {
        var added = await server.CliJsonAsync(["webhook", "add", receiver.Url(name), .. options]);
        var secret = added.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret);
        await receiver.SetSecretAsync(name, secret);
        return added.GetProperty("id").GetInt64();
    }

    static async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(WebhookReceiver receiver, string name, Func<IReadOnlyList<ReceivedWebhook>, bool> done, string what) =>
        await Eventually.GetAsync(async () =>
        {
            var got = await receiver.ReceivedAsync(name, bodies: true);
            return done(got) ? got : null;
        }, what, TimeSpan.FromSeconds(60));

    static bool Arrived(IReadOnlyList<ReceivedWebhook> got, string type, string recipient) =>
        got.Any(w => w.Type == type && w.Status == 204 && w.Data.GetProperty("recipient").GetString() == recipient);

    [Fact]
    public async Task Delivered_deferred_bounced_suppressed_and_rejected_mail_each_reaches_the_receiver_signed()
    {
        var receiver = await ReceiverAsync();
        await using var server = await world.StartOutpostAsync("hooks-" + Submit.Token(), "hooks.test", Settings);
        var name = "kinds" + Submit.Token();
        await AddEndpointAsync(server, receiver, name, "--domain", "hooks.test");

        var token = Submit.Token();
        string Rcpt(string kind) => $"{kind}-{token}@remote.test";
        const string Business = "Dear Mr. Hall, please find attached the minutes of our meeting on Tuesday and the revised schedule for the installation at your site.";
        var delivered = await Submit.AcceptedAsync(Submit.AsAsync(server, "alice@hooks.test", "alice@hooks.test", Rcpt("ok"), "Minutes", Business));
        var deferred = await Submit.AcceptedAsync(Submit.AsAsync(server, "alice@hooks.test", "alice@hooks.test", Rcpt("tempfail-once"), "Minutes", Business));
        var bounced = await Submit.AcceptedAsync(Submit.AsAsync(server, "alice@hooks.test", "alice@hooks.test", Rcpt("unknown"), "Minutes", Business));
        await server.WaitForStatusAsync(bounced, "bounced");
        var suppressed = await Submit.AsAsync(server, "alice@hooks.test", "alice@hooks.test", Rcpt("unknown"), "Minutes again", Business);
        Assert.Contains("is suppressed since", suppressed.All);
        var promo = "FLASH SALE! 50% off everything today only. Use promo code SALE50, free shipping. Shop now: https://shop.test. Unsubscribe: https://shop.test/u";
        var rejected = await Submit.AsAsync(server, "alice@hooks.test", "alice@hooks.test", Rcpt("promo"), "Big sale", promo);
        Assert.Contains("550 5.7.1 This looks like marketing or advertising mail", rejected.All);

        var got = await WaitForAsync(receiver, name, g =>
            Arrived(g, "delivered", Rcpt("ok")) && Arrived(g, "deferred", Rcpt("tempfail-once")) && Arrived(g, "delivered", Rcpt("tempfail-once")) &&
            Arrived(g, "bounced", Rcpt("unknown")) && Arrived(g, "suppressed", Rcpt("unknown")) && Arrived(g, "rejected", Rcpt("promo")), "every kind of event");

        // Every webhook verified with the receiver's own library; its id is the payload's.
        Assert.All(got, w => Assert.True(w.Valid, $"{w.Id}: {w.Error}"));
        Assert.All(got, w => Assert.Equal(w.Id, JsonDocument.Parse(w.Body!).RootElement.GetProperty("id").GetString()));
        ReceivedWebhook One(string type, string kind) => got.First(w => w.Type == type && w.Data.GetProperty("recipient").GetString() == Rcpt(kind));

        var ok = One("delivered", "ok").Data;
        Assert.Equal((delivered, "alice@hooks.test", "delivered", 250), (ok.GetProperty("messageId").GetString(), ok.GetProperty("sender").GetString(),
            ok.GetProperty("status").GetString(), ok.GetProperty("reply").GetProperty("code").GetInt32()));
        Assert.Equal(1, ok.GetProperty("attempt").GetInt32());

        // Deferred first, delivered after, for the same message.
        var later = got.Where(w => w.Data.GetProperty("messageId").ValueKind == JsonValueKind.String && w.Data.GetProperty("messageId").GetString() == deferred).ToList();
        Assert.Equal(["deferred", "delivered"], later.Select(w => w.Type));
        Assert.Equal((451, "4.7.1"), (later[0].Data.GetProperty("reply").GetProperty("code").GetInt32(), later[0].Data.GetProperty("reply").GetProperty("enhanced").GetString()));

        var bounce = One("bounced", "unknown").Data;
        Assert.Equal(("bounced", "5.1.1", bounced), (bounce.GetProperty("status").GetString(), bounce.GetProperty("reply").GetProperty("enhanced").GetString(),
            bounce.GetProperty("messageId").GetString()));

        // Refused at submission: no message id, status rejected, the sentence the sender saw.
        var s = One("suppressed", "unknown").Data;
        Assert.Equal((JsonValueKind.Null, "rejected"), (s.GetProperty("messageId").ValueKind, s.GetProperty("status").GetString()));
        Assert.Contains(s.GetProperty("reply").GetProperty("text").GetString()!, suppressed.All);
        var r = One("rejected", "promo").Data;
        Assert.StartsWith("550 5.7.1 This looks like marketing or advertising mail, which this service does not send", r.GetProperty("reply").GetProperty("text").GetString());
        Assert.Equal("alice@hooks.test", r.GetProperty("sender").GetString());

        // Nothing of another domain, nor kinds the endpoint did not ask for (queued).
        Assert.DoesNotContain(got, w => w.Type == "queued");
        Assert.All(got, w => Assert.Equal("alice@hooks.test", w.Data.GetProperty("sender").GetString()));
        var listed = Assert.Single((await server.CliJsonAsync("webhook", "list")).EnumerateArray());
        Assert.True(listed.GetProperty("enabled").GetBoolean());
        Assert.Equal(0, listed.GetProperty("pending").GetInt32());
    }

    static HttpClient Api(OutpostServer server, string user)
    {
        var http = new HttpClient { BaseAddress = server.Api, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{MailWorld.Password}")));
        return http;
    }

    [Fact]
    public async Task The_api_lets_a_domain_admin_manage_its_domains_endpoints_and_an_operator_every_one()
    {
        var server = world.Outpost;
        await server.CliWithInputAsync(MailWorld.Password + "\n", "mailbox", "add", "op@example.com", "--operator");
        using var admin = Api(server, "admin@example.com");
        using var alice = Api(server, "alice@example.com");
        using var op = Api(server, "op@example.com");

        // A mailbox manages none; bad input gets its sentence.
        Assert.Equal(HttpStatusCode.Forbidden, (await alice.GetAsync("webhooks")).StatusCode);
        var ftp = await admin.PostAsJsonAsync("webhooks", new { url = "ftp://hooks.example.net/x" });
        Assert.Equal(HttpStatusCode.BadRequest, ftp.StatusCode);
        Assert.Contains("must start with https:// or http://, not ftp:", await ftp.Content.ReadAsStringAsync());
        var opened = await admin.PostAsJsonAsync("webhooks", new { url = "https://hooks.example.net/x", events = new[] { "delivered", "opened" } });
        Assert.Contains("'opened' is not an event", await opened.Content.ReadAsStringAsync());
        var global = await admin.PostAsJsonAsync("webhooks", new { url = "https://hooks.example.net/x", domain = "other.test" });
        Assert.Equal(HttpStatusCode.BadRequest, global.StatusCode);

        // The domain admin's: its domain by default, the secret in the answer only.
        var created = await admin.PostAsJsonAsync("webhooks", new { url = "https://hooks.example.net/outpost", events = new[] { "delivered", "bounced" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var endpoint = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(("example.com", true), (endpoint.GetProperty("domain").GetString(), endpoint.GetProperty("secret").GetString()!.StartsWith("whsec_", StringComparison.Ordinal)));
        var id = endpoint.GetProperty("id").GetInt64();
        var listed = await admin.GetStringAsync("webhooks");
        Assert.Contains("hooks.example.net/outpost", listed);
        Assert.DoesNotContain("whsec_", listed);

        // The operator's for every domain: the domain admin cannot see or touch it.
        var all = JsonDocument.Parse(await (await op.PostAsJsonAsync("webhooks", new { url = "https://ops.example.net/all" })).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(JsonValueKind.Null, all.GetProperty("domain").ValueKind);
        var allId = all.GetProperty("id").GetInt64();
        Assert.DoesNotContain("ops.example.net", await admin.GetStringAsync("webhooks"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.DeleteAsync($"webhooks/{allId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"webhooks/{allId}/pause", null)).StatusCode);
        Assert.Contains("ops.example.net", await op.GetStringAsync("webhooks"));
        Assert.Contains("hooks.example.net/outpost", await op.GetStringAsync("webhooks"));

        // Pause and resume, attempts, remove.
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"webhooks/{id}/pause", null)).StatusCode);
        Assert.Contains("Paused by admin@example.com.", await admin.GetStringAsync("webhooks"));
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"webhooks/{id}/resume", null)).StatusCode);
        Assert.Equal("[]", await admin.GetStringAsync($"webhooks/{id}/attempts"));
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"webhooks/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await op.DeleteAsync($"webhooks/{allId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await op.DeleteAsync($"webhooks/{allId}")).StatusCode);
    }

    [Fact]
    public async Task A_receiver_that_fails_for_a_while_gets_the_retries_later_each_messages_events_in_order()
    {
        var receiver = await ReceiverAsync();
        await using var server = await world.StartOutpostAsync("hooks-retry-" + Submit.Token(), "hooks-retry.test", Settings);
        var name = "retry" + Submit.Token();
        var id = await AddEndpointAsync(server, receiver, name, "--domain", "hooks-retry.test", "--events", "queued,deferred,delivered");
        await receiver.FailAsync(name, 5);

        var token = Submit.Token();
        var recipients = new[] { $"tempfail-once-a-{token}@remote.test", $"ok-b-{token}@remote.test", $"ok-c-{token}@remote.test" };
        var ids = new List<string>();
        foreach (var to in recipients)
            ids.Add(await Submit.AcceptedAsync(Submit.AsAsync(server, "alice@hooks-retry.test", "alice@hooks-retry.test", to, "Minutes " + token)));

        var expected = new Dictionary<string, string[]>
        {
            [ids[0]] = ["queued", "deferred", "delivered"],
            [ids[1]] = ["queued", "delivered"],
            [ids[2]] = ["queued", "delivered"],
        };
        var got = await WaitForAsync(receiver, name, g => expected.All(m => m.Value.All(type =>
            g.Any(w => w.Status == 204 && w.Type == type && w.Data.GetProperty("messageId").GetString() == m.Key))), "every event despite the failures");
        Assert.All(got, w => Assert.True(w.Valid, $"{w.Id}: {w.Error}"));

        // Five were refused and came again later with the same id; each message's events were taken in order.
        var refused = got.Where(w => w.Status == 500).ToList();
        Assert.Equal(5, refused.Count);
        Assert.All(refused, w => Assert.Contains(got, later => later.Id == w.Id && later.Status == 204 && later.At >= w.At + 900));
        foreach (var (message, types) in expected)
        {
            var taken = got.Where(w => w.Status == 204 && w.Data.GetProperty("messageId").GetString() == message).Select(w => w.Type).ToList();
            Assert.Equal(types, taken);
            // Nothing of a message was even tried before the one before it was taken.
            var tried = got.Where(w => w.Data.GetProperty("messageId").GetString() == message).ToList();
            for (var i = 1; i < tried.Count; i++)
                if (tried[i].Id != tried[i - 1].Id)
                    Assert.Equal(204, tried[i - 1].Status);
        }

        // The attempts are visible, failures with their answer.
        var attempts = (await server.CliJsonAsync("webhook", "attempts", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--limit", "100")).EnumerateArray().ToList();
        Assert.Equal(got.Count, attempts.Count);
        Assert.Equal(5, attempts.Count(a => a.GetProperty("statusCode").GetInt32() == 500));
        Assert.All(attempts, a => Assert.Equal("delivered", a.GetProperty("delivery").GetString()));

        // A test event goes now, signed like the rest.
        var test = await server.CliAsync("webhook", "test", id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(test.ExitCode == 0, test.All);
        Assert.Contains("delivered: 204", test.Output);
        var tests = (await receiver.ReceivedAsync(name)).Where(w => w.Type == "test").ToList();
        Assert.True(Assert.Single(tests).Valid);
    }
}
