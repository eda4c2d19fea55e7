using System.Net;
using System.Net.Sockets;
using System.Text;
using Outpost.Smtp.Proxy;

namespace Outpost.Smtp.Tests;

/// <summary>The server with PROXY protocol sources: the header's client becomes the session's, and a misplaced header is refused.</summary>
public class ProxyProtocolSessionTests
{
    static async Task<TestServer.Client> RawAsync(int port)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        return new TestServer.Client(tcp);
    }

    [Fact]
    public async Task A_trusted_proxys_header_sent_in_pieces_names_the_client()
    {
        await using var server = new TestServer(o => o.ProxySources = [IPNetwork.Parse("127.0.0.1/32")]);
        await using var client = await RawAsync(server.SubmissionPort);
        await client.SendAsync("PROXY TCP4 192.0.2.7 ");
        await client.SendAsync("10.0.0.1 50000 587\r\n");
        Assert.StartsWith("220 ", await client.ReadReplyAsync());
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.example"));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 50000), Assert.Single(server.Backend.Clients));
    }

    [Fact]
    public async Task A_trusted_proxy_without_a_header_is_refused_in_one_sentence()
    {
        await using var server = new TestServer(o =>
        {
            o.ProxySources = [IPNetwork.Parse("127.0.0.0/8")];
            o.ProxyHeaderTimeout = TimeSpan.FromMilliseconds(300);
        });
        await using var client = await RawAsync(server.SubmissionPort);
        Assert.Equal(SmtpReplies.ProxyHeaderMissing.ToWire().Replace("\r\n", "\n"), await client.ReadReplyAsync());
        Assert.True(await client.IsClosedAsync());
        Assert.Empty(server.Backend.Clients);
    }

    [Fact]
    public async Task A_trusted_proxy_sending_something_else_is_refused_at_once()
    {
        await using var server = new TestServer(o => o.ProxySources = [IPNetwork.Parse("127.0.0.1/32")]);
        await using var client = await RawAsync(server.SubmissionPort);
        await client.SendAsync("EHLO client.example\r\n");
        Assert.StartsWith("421 4.7.0", await client.ReadReplyAsync());
    }

    [Fact]
    public async Task A_v1_header_from_an_untrusted_client_is_refused()
    {
        await using var server = new TestServer(o => o.ProxySources = [IPNetwork.Parse("10.9.0.0/16")]);
        await using var client = await server.ConnectAsync(server.SubmissionPort);
        Assert.Equal(SmtpReplies.ProxyHeaderNotTrusted.ToWire().Replace("\r\n", "\n"), await client.CommandAsync("PROXY TCP4 192.0.2.7 10.0.0.1 50000 587"));
        Assert.True(await client.IsClosedAsync());
        Assert.Contains(server.Backend.Refusals, r => r.Reply == SmtpReplies.ProxyHeaderNotTrusted);
        Assert.Equal(IPAddress.Loopback, Assert.Single(server.Backend.Clients).Address);
    }

    [Fact]
    public async Task A_v2_header_from_an_untrusted_client_is_refused()
    {
        await using var server = new TestServer();
        await using var client = await server.ConnectAsync(server.SubmissionPort);
        byte[] header = [.. ProxyHeaderParser.Signature, 0x21, 0x11, 0x00, 0x0C, 192, 0, 2, 7, 10, 0, 0, 1, 0xC3, 0x50, 0x02, 0x4B];
        await client.SendAsync(Encoding.Latin1.GetString(header));
        Assert.StartsWith("554 5.7.0", await client.ReadReplyAsync());
    }
}
