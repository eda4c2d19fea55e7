using System.Net;
using System.Net.Sockets;
using System.Text;
using Outpost.Engine.Configuration;
using Outpost.Engine.Dns;
using Outpost.Engine.Webhooks;

namespace Outpost.Engine.Tests.Webhooks;

/// <summary>The HTTP sender against a scripted server on loopback: the headers it sends, redirects not followed, error answers kept short, timeouts, and the address guard.</summary>
public sealed class HttpWebhookSenderTests
{
    static readonly WebhookOptions Options = new() { Timeout = TimeSpan.FromSeconds(2) };

    /// <summary>Answers one request with <paramref name="response"/> (or nothing, when null) and hands back what it read.</summary>
    static async Task<(int Port, Task<string> Request)> ServeOnceAsync(string? response)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var request = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            var stream = client.GetStream();
            var buffer = new byte[16384];
            var text = new StringBuilder();
            while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) || !text.ToString().EndsWith('}'))
            {
                var n = await stream.ReadAsync(buffer);
                if (n == 0)
                    break;
                text.Append(Encoding.UTF8.GetString(buffer, 0, n));
            }
            if (response is not null)
                await stream.WriteAsync(Encoding.ASCII.GetBytes(response));
            else
                await Task.Delay(TimeSpan.FromSeconds(4));
            listener.Stop();
            return text.ToString();
        });
        await Task.Yield();
        return (port, request);
    }

    static WebhookRequest Request(int port, bool allowPrivate = true) =>
        new(new Uri($"http://127.0.0.1:{port}/hook"), "evt_7", 1700000000, "{\"id\":\"evt_7\"}", "v1,abc=", allowPrivate);

    [Fact]
    public async Task A_webhook_is_a_json_post_with_the_three_standard_headers()
    {
        var (port, received) = await ServeOnceAsync("HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
        using var sender = new HttpWebhookSender(Options, new DnsAddressResolver(new DnsOptions()));
        var response = await sender.SendAsync(Request(port));
        Assert.Equal((204, (string?)null, true), (response.StatusCode, response.Error, response.Succeeded));
        var request = await received;
        Assert.StartsWith("POST /hook HTTP/1.1", request);
        Assert.Contains("webhook-id: evt_7\r\n", request);
        Assert.Contains("webhook-timestamp: 1700000000\r\n", request);
        Assert.Contains("webhook-signature: v1,abc=\r\n", request);
        Assert.Contains("Content-Type: application/json; charset=utf-8\r\n", request);
        Assert.EndsWith("\r\n\r\n{\"id\":\"evt_7\"}", request);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_but_answered_as_a_failure()
    {
        var (port, _) = await ServeOnceAsync("HTTP/1.1 302 Found\r\nLocation: http://169.254.169.254/latest\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        using var sender = new HttpWebhookSender(Options, new DnsAddressResolver(new DnsOptions()));
        var response = await sender.SendAsync(Request(port));
        Assert.Equal(302, response.StatusCode);
        Assert.False(response.Succeeded);
    }

    [Fact]
    public async Task An_error_answer_is_kept_as_one_short_line()
    {
        var body = "upstream\r\nfailed " + new string('x', 5000);
        var (port, _) = await ServeOnceAsync($"HTTP/1.1 500 Internal Server Error\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}");
        using var sender = new HttpWebhookSender(Options, new DnsAddressResolver(new DnsOptions()));
        var response = await sender.SendAsync(Request(port));
        Assert.Equal(500, response.StatusCode);
        Assert.StartsWith("Internal Server Error: upstream failed xxx", response.Error);
        Assert.True(response.Error!.Length <= 200);
        Assert.DoesNotContain('\n', response.Error);
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_is_given_up_at_the_timeout()
    {
        var (port, _) = await ServeOnceAsync(null);
        using var sender = new HttpWebhookSender(Options, new DnsAddressResolver(new DnsOptions()));
        var response = await sender.SendAsync(Request(port));
        Assert.Null(response.StatusCode);
        Assert.Equal("no answer within 2 s", response.Error);
        Assert.InRange(response.Duration, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(3.5));
    }

    [Fact]
    public async Task A_domains_endpoint_on_a_private_address_is_refused_before_connecting()
    {
        var (port, received) = await ServeOnceAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        using var sender = new HttpWebhookSender(Options, new DnsAddressResolver(new DnsOptions()));
        var response = await sender.SendAsync(Request(port, allowPrivate: false));
        Assert.Null(response.StatusCode);
        Assert.Equal("127.0.0.1 is not a public address; a domain's webhooks go to public addresses only (Webhooks:AllowPrivateNetworks).", response.Error);
        Assert.NotSame(received, await Task.WhenAny(received, Task.Delay(300)));
    }
}
