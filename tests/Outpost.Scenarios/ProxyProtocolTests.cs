using System.Net;
using System.Net.Sockets;
using System.Text;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// SMTP behind HAProxy with PROXY protocol: swaks from 127.0.0.7 through HAProxy (v2 to submission and to
/// implicit TLS, v1 to submission) authenticates and sends, and Outpost sees 127.0.0.7, not HAProxy's
/// address, in the Received header and the refusal log; a PROXY header sent straight to Outpost by a client
/// that is not the load balancer is refused in one sentence.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class ProxyProtocolTests(MailWorld world)
{
    const string Domain = "proxied.test";
    const string Client = "127.0.0.7";

    async Task<(OutpostServer Server, LoadBalancer Balancer)> WorldAsync()
    {
        var server = await world.SharedOutpostAsync("proxied", Domain, new Dictionary<string, string>
        {
            ["OUTPOST__Smtp__ProxyProtocol__TrustedProxies__0"] = LoadBalancer.SourceAddress + "/32",
        });
        var balancer = await world.SharedPeerAsync("haproxy", () => LoadBalancer.StartAsync(Path.Combine(world.Directory, "haproxy"),
            ("v2", server.SubmissionPort, "send-proxy-v2"), ("v1", server.SubmissionPort, "send-proxy"), ("tls", server.TlsPort, "send-proxy-v2")));
        return (server, balancer);
    }

    [Theory]
    [InlineData("v2", "--tls")]
    [InlineData("v1", "--tls")]
    [InlineData("tls", "--tlsc")]
    public async Task Mail_through_haproxy_carries_the_clients_address(string frontend, string tls)
    {
        var (server, balancer) = await WorldAsync();
        var subject = $"Through the balancer {frontend} {Submit.Token()}";
        var result = await Swaks.RunAsync("--server", $"127.0.0.1:{balancer.Ports[frontend]}", "--local-interface", Client, tls,
            "--auth", "PLAIN", "--auth-user", $"alice@{Domain}", "--auth-password", MailWorld.Password,
            "--from", $"alice@{Domain}", "--to", $"bob@{Domain}", "--header", $"Subject: {subject}", "--body", "Sent through HAProxy.");
        Assert.True(Swaks.QueueId(result) is not null, result.All);
        var file = await Eventually.GetAsync(() => server.MailboxFiles($"bob@{Domain}").FirstOrDefault(f => File.ReadAllText(f).Contains(subject)), "the message in bob's Maildir");
        var text = await File.ReadAllTextAsync(file);
        Assert.Contains($"([{Client}])", text);
        Assert.DoesNotContain($"[{LoadBalancer.SourceAddress}]", text);
    }

    [Fact]
    public async Task A_failed_login_through_haproxy_is_logged_against_the_client()
    {
        var (server, balancer) = await WorldAsync();
        var user = $"nobody-{Submit.Token()}@{Domain}";
        var result = await Swaks.RunAsync("--server", $"127.0.0.1:{balancer.Ports["v1"]}", "--local-interface", Client, "--tls",
            "--auth", "PLAIN", "--auth-user", user, "--auth-password", "wrong", "--from", $"alice@{Domain}", "--to", $"bob@{Domain}");
        Assert.Contains("535 5.7.8", result.All);
        var client = await Eventually.GetAsync(async () => (await server.CliJsonAsync("log", "--refusals")).EnumerateArray()
            .Where(r => r.GetProperty("authUser").GetString() == user).Select(r => r.GetProperty("clientIp").GetString()).FirstOrDefault(), "the failed login in the refusal log");
        Assert.Equal(Client, client);
    }

    [Fact]
    public async Task A_proxy_header_from_a_client_that_is_not_the_balancer_is_refused()
    {
        var (server, _) = await WorldAsync();
        using var tcp = new TcpClient(new IPEndPoint(IPAddress.Parse("127.0.0.8"), 0));
        await tcp.ConnectAsync(IPAddress.Loopback, server.SubmissionPort);
        using var stream = tcp.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.StartsWith("220 ", await reader.ReadLineAsync(timeout.Token));
        await stream.WriteAsync("PROXY TCP4 203.0.113.50 127.0.0.1 40000 587\r\n"u8.ToArray(), timeout.Token);
        Assert.Equal("554 5.7.0 PROXY protocol headers are accepted only from the configured load balancers", await reader.ReadLineAsync(timeout.Token));
        Assert.Null(await reader.ReadLineAsync(timeout.Token));
        var reply = await Eventually.GetAsync(async () => (await server.CliJsonAsync("log", "--refusals")).EnumerateArray()
            .Where(r => r.GetProperty("clientIp").GetString() == "127.0.0.8").Select(r => r.GetProperty("reply").GetString()).FirstOrDefault(), "the refusal in the log");
        Assert.Contains("PROXY protocol headers are accepted only from the configured load balancers", reply);
    }
}
