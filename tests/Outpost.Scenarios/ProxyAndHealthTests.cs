using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// The HTTP listener behind a reverse proxy (requests from loopback, a known proxy, carrying X-Forwarded-For):
/// failed logins throttle the forwarded client, not everyone behind the proxy, and never a valid API key; and the
/// unauthenticated health endpoints, /healthz and /readyz, which name their checks and nothing else.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class ProxyAndHealthTests(MailWorld world)
{
    static HttpRequestMessage Get(string path, AuthenticationHeaderValue? auth, string? forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = auth } };
        if (forwardedFor is not null)
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        return request;
    }

    static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    [Fact]
    public async Task Ten_failed_logins_through_the_proxy_lock_out_that_client_only_and_never_a_valid_key()
    {
        var created = await world.Outpost.CliAsync("apikey", "create", "--domain", "example.com");
        Assert.True(created.ExitCode == 0, created.All);
        var key = new AuthenticationHeaderValue("Bearer", created.Output.Trim());
        using var http = new HttpClient { BaseAddress = world.Outpost.Api, Timeout = TimeSpan.FromSeconds(60) };
        // An address of its own per run, so the shared server's throttle holds nothing of another test's.
        var attacker = $"198.51.{Random.Shared.Next(1, 250)}.7";
        for (var i = 0; i < 10; i++)
        {
            using var failed = await http.SendAsync(Get("messages?limit=1", Basic("alice@example.com", "wrong-" + i), attacker));
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        // The attacker is cut off: even the right password is not tried from there.
        using (var blocked = await http.SendAsync(Get("messages?limit=1", Basic("alice@example.com", MailWorld.Password), attacker)))
            Assert.Equal(HttpStatusCode.Unauthorized, blocked.StatusCode);
        // A valid key works from the very same client, from its network, and from the proxy itself.
        foreach (var from in new[] { attacker, attacker[..attacker.LastIndexOf('.')] + ".8", null })
        {
            using var ok = await http.SendAsync(Get("messages?limit=1", key, from));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
        // Another client behind the same proxy, and the proxy's own address, still log in with a password.
        foreach (var from in new[] { "203.0.113.9", null })
        {
            using var ok = await http.SendAsync(Get("messages?limit=1", Basic("alice@example.com", MailWorld.Password), from));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }
    }

    [Fact]
    public async Task Health_says_ok_and_readiness_names_each_check_and_fails_when_the_spool_cannot_be_written()
    {
        // A server of its own: the shared one's queue holds other tests' mail.
        await using var server = await world.StartOutpostAsync("readyz-" + Submit.Token(), "ready.test");
        using var http = new HttpClient { BaseAddress = server.Web, Timeout = TimeSpan.FromSeconds(60) };
        using var alive = await http.GetAsync("healthz");
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal("ok\n", await alive.Content.ReadAsStringAsync());
        using var ready = await http.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready\ndatabase: ok\nspool: ok\nlisteners: ok\nqueue: ok\n", await ready.Content.ReadAsStringAsync());

        // A file where the spool directory was: nothing can be written there (even as root, unlike a chmod).
        var spool = Path.Combine(server.DataDirectory, "spool");
        Directory.Delete(spool, recursive: true);
        await File.WriteAllTextAsync(spool, "not a directory");
        using var broken = await http.GetAsync("readyz");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, broken.StatusCode);
        var body = await broken.Content.ReadAsStringAsync();
        Assert.Equal("not-ready\ndatabase: ok\nspool: not-ready\nlisteners: ok\nqueue: ok\n", body);
        File.Delete(spool);
        Directory.CreateDirectory(spool);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("readyz")).StatusCode);
    }
}
