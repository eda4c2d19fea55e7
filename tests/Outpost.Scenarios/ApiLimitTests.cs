using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// The HTTP API's limits against the real process: a body over the request limit gets 413 with the size
/// sentence, a client address past its requests per minute gets 429 with Retry-After and a sentence (others
/// and the host itself go on), and an admin session ends when its password changes.
/// The server has a 1 MB message limit and 5 API requests per minute and address, so the test is small.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed partial class ApiLimitTests(MailWorld world)
{
    const string Domain = "apilimits.example";

    Task<OutpostServer> ServerAsync() => world.SharedOutpostAsync("apilimits", Domain, new Dictionary<string, string>
    {
        ["OUTPOST__Smtp__MaxMessageSize"] = "1048576",
        ["OUTPOST__Api__RequestsPerMinute"] = "5",
    });

    /// <summary>An HTTP client whose connections come from <paramref name="local"/>, as if from another host.</summary>
    static HttpClient From(string local, HttpMessageHandler? inner = null, CookieContainer? cookies = null)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = cookies is not null,
            CookieContainer = cookies ?? new CookieContainer(),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                socket.Bind(new IPEndPoint(IPAddress.Parse(local), 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            },
        };
        return new HttpClient(inner ?? handler) { Timeout = TimeSpan.FromSeconds(60) };
    }

    static AuthenticationHeaderValue Basic(string user) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{MailWorld.Password}")));

    [Fact]
    public async Task An_address_past_its_requests_per_minute_gets_429_with_retry_after_and_others_go_on()
    {
        var server = await ServerAsync();
        using var flooder = From("127.0.0.50");
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 6; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Api, "messages"));
            request.Headers.Authorization = Basic($"alice@{Domain}");
            var response = await flooder.SendAsync(request);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                refused = response;
        }
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], statuses);
        var wait = refused!.Headers.RetryAfter?.Delta;
        Assert.NotNull(wait);
        Assert.InRange(wait!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        var error = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString();
        Assert.Matches("^Too many requests from your address; try again in [0-9]+ seconds\\.$", error);

        using var other = From("127.0.0.51");
        using var otherRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Api, "messages"));
        otherRequest.Headers.Authorization = Basic($"alice@{Domain}");
        Assert.Equal(HttpStatusCode.OK, (await other.SendAsync(otherRequest)).StatusCode);

        using var local = From("127.0.0.1");
        for (var i = 0; i < 8; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.Api, "messages"));
            request.Headers.Authorization = Basic($"alice@{Domain}");
            Assert.Equal(HttpStatusCode.OK, (await local.SendAsync(request)).StatusCode);
        }
    }

    [Fact]
    public async Task A_body_over_the_limit_gets_413_with_the_size_sentence()
    {
        var server = await ServerAsync();
        using var client = From("127.0.0.1");
        // Past 1 MB plus base64's third plus 1 MB: Kestrel itself refuses it.
        var body = new byte[3 * 1024 * 1024];
        Array.Fill(body, (byte)'a');
        foreach (var (path, type) in new[] { ($"messages/raw?from=alice@{Domain}&to=bob@{Domain}", "message/rfc822"), ("messages", "application/json") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.Api, path)) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(type);
            request.Headers.Authorization = Basic($"alice@{Domain}");
            var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{path}: {(int)response.StatusCode} {text}");
            Assert.Equal("Message exceeds the 1 MB limit; share large files through a link instead",
                JsonDocument.Parse(text).RootElement.GetProperty("error").GetString());
        }
    }

    [Fact]
    public async Task A_password_change_ends_the_admin_sessions_opened_with_the_old_one()
    {
        var server = await ServerAsync();
        var user = $"bob@{Domain}";
        var first = new CookieContainer();
        var second = new CookieContainer();
        using var browser1 = From("127.0.0.1", cookies: first);
        using var browser2 = From("127.0.0.1", cookies: second);
        await LogInAsync(server, browser1, user, MailWorld.Password);
        await LogInAsync(server, browser2, user, MailWorld.Password);
        Assert.Equal(HttpStatusCode.OK, (await browser1.GetAsync(new Uri(server.Web, "log"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser2.GetAsync(new Uri(server.Web, "log"))).StatusCode);

        var changed = await server.CliWithInputAsync("another-horse-2\n", "mailbox", "passwd", user);
        Assert.True(changed.ExitCode == 0, changed.All);

        foreach (var browser in new[] { browser1, browser2 })
        {
            var response = await browser.GetAsync(new Uri(server.Web, "log"));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.StartsWith("/login", response.Headers.Location!.IsAbsoluteUri ? response.Headers.Location.PathAndQuery : response.Headers.Location.OriginalString);
        }
        using var fresh = From("127.0.0.1", cookies: new CookieContainer());
        await LogInAsync(server, fresh, user, "another-horse-2");
        Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync(new Uri(server.Web, "log"))).StatusCode);
    }

    static async Task LogInAsync(OutpostServer server, HttpClient browser, string user, string password)
    {
        var page = await browser.GetStringAsync(new Uri(server.Web, "login"));
        var token = AntiforgeryToken().Match(page).Groups[1].Value;
        Assert.NotEmpty(token);
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Address"] = user, ["Password"] = password, ["__RequestVerificationToken"] = token,
        });
        var response = await browser.PostAsync(new Uri(server.Web, "login"), form);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"login failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
