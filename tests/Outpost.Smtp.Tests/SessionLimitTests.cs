using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Outpost.Smtp.Tests;

/// <summary>
/// The limits that keep one client from exhausting the server: connections per address and in all, the
/// greeting timeout, the deadline for a whole command line and for a whole message, too many errors and too
/// many failed logins on one connection. Short timeouts so each test takes a second or two.
/// </summary>
public sealed class SessionLimitTests
{
    static async Task<TestServer.Client> ConnectFromAsync(int port, string local, bool expectGreeting = true)
    {
        var tcp = new TcpClient(new IPEndPoint(IPAddress.Parse(local), 0));
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        var client = new TestServer.Client(tcp);
        if (expectGreeting)
            Assert.StartsWith("220 ", await client.ReadReplyAsync());
        return client;
    }

    [Fact]
    public async Task One_address_gets_its_share_of_connections_and_others_are_still_served()
    {
        await using var server = new TestServer(o => { o.MaxConnectionsPerAddress = 2; o.MaxConnectionsPerTrustedAddress = 3; });
        await using var first = await ConnectFromAsync(server.RelayPort, "127.0.0.21");
        await using var second = await ConnectFromAsync(server.RelayPort, "127.0.0.21");
        await using var third = await ConnectFromAsync(server.RelayPort, "127.0.0.21", expectGreeting: false);
        Assert.StartsWith("421 4.7.0 Too many connections from your address; try again later", await third.ReadReplyAsync());
        Assert.True(await third.IsClosedAsync());

        await using var other = await ConnectFromAsync(server.RelayPort, "127.0.0.22");
        Assert.StartsWith("250", await other.CommandAsync("NOOP"));

        // The host itself has the larger share.
        await using var local1 = await ConnectFromAsync(server.RelayPort, "127.0.0.1");
        await using var local2 = await ConnectFromAsync(server.RelayPort, "127.0.0.1");
        await using var local3 = await ConnectFromAsync(server.RelayPort, "127.0.0.1");

        // A slot given back is free again.
        Assert.StartsWith("221", await first.CommandAsync("QUIT"));
        Assert.True(await first.IsClosedAsync());
        await Task.Delay(200);
        await using var again = await ConnectFromAsync(server.RelayPort, "127.0.0.21");
    }

    [Fact]
    public async Task Past_the_total_every_address_is_refused()
    {
        await using var server = new TestServer(o => { o.MaxConnections = 2; });
        await using var a = await ConnectFromAsync(server.RelayPort, "127.0.0.31");
        await using var b = await ConnectFromAsync(server.RelayPort, "127.0.0.32");
        await using var c = await ConnectFromAsync(server.RelayPort, "127.0.0.33", expectGreeting: false);
        Assert.StartsWith("421 4.7.0 Too many connections; try again later", await c.ReadReplyAsync());
    }

    [Fact]
    public async Task A_client_that_says_nothing_is_cut_off_after_the_greeting_timeout()
    {
        await using var server = new TestServer(o => o.GreetingTimeout = TimeSpan.FromSeconds(1));
        var clock = Stopwatch.StartNew();
        await using var client = await ConnectFromAsync(server.RelayPort, "127.0.0.41");
        Assert.StartsWith("421 4.4.2 Timeout", await client.ReadReplyAsync());
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task After_mail_the_client_has_the_full_command_timeout()
    {
        await using var server = new TestServer(o => o.GreetingTimeout = TimeSpan.FromSeconds(1));
        await using var client = await ConnectFromAsync(server.RelayPort, "127.0.0.42");
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        await Task.Delay(1500);
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<friend@remote.test>"));
    }

    [Fact]
    public async Task A_command_trickled_byte_by_byte_is_cut_off_by_the_line_deadline()
    {
        await using var server = new TestServer(o => { o.CommandLineTimeout = TimeSpan.FromSeconds(1); o.GreetingTimeout = TimeSpan.FromSeconds(30); });
        await using var client = await ConnectFromAsync(server.RelayPort, "127.0.0.43");
        var clock = Stopwatch.StartNew();
        // Each byte comes well within any per-read timeout; the line as a whole never does.
        foreach (var b in "EHLO client.test")
        {
            try
            {
                await client.SendAsync(b.ToString());
            }
            catch (IOException)
            {
                break;
            }
            await Task.Delay(250);
            if (clock.Elapsed > TimeSpan.FromSeconds(3))
                break;
        }
        Assert.StartsWith("421 4.4.2 Timeout", await client.ReadReplyAsync());
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.8), TimeSpan.FromSeconds(4.5));
    }

    [Fact]
    public async Task A_message_trickled_line_by_line_is_cut_off_by_the_message_deadline_and_not_stored()
    {
        await using var server = new TestServer(o => { o.MessageTimeout = TimeSpan.FromSeconds(1.5); o.DataTimeout = TimeSpan.FromSeconds(30); });
        await using var client = await ConnectFromAsync(server.RelayPort, "127.0.0.44");
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<friend@remote.test>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 20 && clock.Elapsed < TimeSpan.FromSeconds(4); i++)
        {
            try
            {
                await client.SendAsync($"line {i}\r\n");
            }
            catch (IOException)
            {
                break;
            }
            await Task.Delay(200);
        }
        Assert.StartsWith("421 4.4.2 The message took too long to arrive", await client.ReadReplyAsync());
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.2), TimeSpan.FromSeconds(5));
        Assert.Empty(server.Backend.Messages);
    }

    [Fact]
    public async Task Too_many_bad_commands_close_the_connection()
    {
        await using var server = new TestServer(o => o.MaxErrors = 10);
        await using var client = await ConnectFromAsync(server.RelayPort, "127.0.0.45");
        for (var i = 0; i < 10; i++)
            Assert.StartsWith("500 5.5.2 Command not recognized", await client.CommandAsync("BOGUS " + i));
        Assert.StartsWith("421 4.7.0 Too many errors; closing the connection", await client.CommandAsync("BOGUS 10"));
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Three_failed_logins_close_the_connection()
    {
        await using var server = new TestServer();
        await using var client = await ConnectFromAsync(server.SubmissionPort, "127.0.0.46");
        await client.CommandAsync("EHLO client.test");
        Assert.StartsWith("220", await client.CommandAsync("STARTTLS"));
        await client.StartTlsAsync();
        await client.CommandAsync("EHLO client.test");
        var wrong = "AUTH PLAIN " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes("\0alice@example.com\0wrong"));
        Assert.StartsWith("535 5.7.8 Authentication failed", await client.CommandAsync(wrong));
        Assert.StartsWith("535 5.7.8 Authentication failed", await client.CommandAsync(wrong));
        Assert.StartsWith("421 4.7.0 Too many failed logins on this connection; closing it", await client.CommandAsync(wrong));
        Assert.True(await client.IsClosedAsync());
    }
}
