using System.Net;
using System.Net.Sockets;
using System.Text;
using Outpost.Smtp.Client;

namespace Outpost.Smtp.Tests.Client;

public sealed class SmtpClientConnectionTests
{
    static SmtpClientOptions Options(ClientTls tls = ClientTls.Opportunistic, double timeoutSeconds = 10) => new()
    {
        HeloName = "out.test",
        Tls = tls,
        CertificateValidation = (_, _, _, _) => true,
        CommandTimeout = TimeSpan.FromSeconds(timeoutSeconds),
        DataTimeout = TimeSpan.FromSeconds(timeoutSeconds),
    };

    static MemoryStream Content(string text) => new(Encoding.UTF8.GetBytes(text));

    const string Ehlo = "250-mx.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250-SIZE 100000\r\n250 SMTPUTF8\r\n";

    [Fact]
    public async Task Delivers_to_Outposts_own_server_over_starttls_with_each_recipients_reply()
    {
        await using var server = new TestServer();
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, server.RelayPort);
        await using var client = await SmtpClientConnection.OpenAsync(socket, "localhost", Options(), CancellationToken.None);
        Assert.True(client.IsSecure);
        Assert.True(client.Capabilities.HasFlag(RemoteCapabilities.Pipelining));

        const string message = "From: app@example.com\r\nSubject: dots\r\n\r\n.leading dot\r\n..two\r\n.\r\nGrüße\r\nlast line";
        var result = await client.SendAsync("app@example.com", ["a@remote.test", "b@refused.test", "c@remote.test"],
            "DKIM-Signature: v=1; x\r\n"u8.ToArray(), Content(message), eightBit: true, CancellationToken.None);

        Assert.Equal(250, result.For(0).Code);
        Assert.Equal(550, result.For(1).Code);
        Assert.Equal("550 5.1.1 No such user", result.For(1).ToString());
        Assert.True(result.RefusedAtRecipient(1));
        Assert.Equal(250, result.For(2).Code);
        Assert.False(result.RefusedAtRecipient(2));
        // The server received exactly the bytes given, with the prefix in front and a final CRLF added.
        Assert.Equal("DKIM-Signature: v=1; x\r\n" + message + "\r\n", Assert.Single(server.Backend.Messages));

        // The connection carries a second message.
        var second = await client.SendAsync("app@example.com", ["d@remote.test"], ReadOnlyMemory<byte>.Empty, Content("Subject: 2\r\n\r\nx\r\n"), false, CancellationToken.None);
        Assert.Equal(250, second.For(0).Code);
        Assert.Equal(2, server.Backend.Messages.Count);
        await client.QuitAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Mail_and_every_rcpt_go_in_one_flight_and_a_transaction_without_recipients_is_reset()
    {
        await using var server = new ScriptedServer(async s =>
        {
            await s.SendAsync("220 mx.test ready\r\n");
            Assert.Equal("EHLO out.test", await s.LineAsync());
            await s.SendAsync(Ehlo);
            // All three commands arrive before the server has answered any of them.
            Assert.Equal("MAIL FROM:<app@example.com> BODY=8BITMIME SIZE=13", await s.LineAsync());
            Assert.Equal("RCPT TO:<a@remote.test>", await s.LineAsync());
            Assert.Equal("RCPT TO:<b@remote.test>", await s.LineAsync());
            await s.SendAsync("250 ok\r\n451-4.7.1 greylisted,\r\n451 4.7.1 come back later\r\n550 5.1.1 unknown\r\n");
            Assert.Equal("RSET", await s.LineAsync());
            Assert.True(await s.QuietAsync(), "no DATA without an accepted recipient");
            await s.SendAsync("250 reset\r\n");
            Assert.Equal("QUIT", await s.LineAsync());
            await s.SendAsync("221 bye\r\n");
        });
        await using var client = await SmtpClientConnection.OpenAsync(await server.ConnectAsync(), "mx.test", Options(), CancellationToken.None);
        Assert.Equal(100000, client.MaxSize);
        var result = await client.SendAsync("app@example.com", ["a@remote.test", "b@remote.test"], ReadOnlyMemory<byte>.Empty, Content("Subject: ü\r\n"), eightBit: true, CancellationToken.None);

        // A reply of two lines is one text, as the send log keeps it.
        Assert.Equal("451 4.7.1 greylisted, 4.7.1 come back later", result.For(0).ToString());
        Assert.Equal(550, result.For(1).Code);
        Assert.True(client.IsUsable);
        await client.QuitAsync(CancellationToken.None);
        await server.Finished;
    }

    [Fact]
    public async Task A_refused_data_reply_applies_to_every_accepted_recipient()
    {
        await using var server = new ScriptedServer(async s =>
        {
            await s.SendAsync("220 mx.test\r\n");
            await s.LineAsync();
            await s.SendAsync("250 mx.test\r\n"); // no extensions: one command at a time
            Assert.Equal("MAIL FROM:<>", await s.LineAsync());
            await s.SendAsync("250 ok\r\n");
            Assert.Equal("RCPT TO:<a@remote.test>", await s.LineAsync());
            await s.SendAsync("250 ok\r\n");
            Assert.Equal("DATA", await s.LineAsync());
            await s.SendAsync("354 go\r\n");
            Assert.Equal("Subject: x\r\n\r\n..dot\r\n.\r\n", await s.DataAsync());
            await s.SendAsync("554 5.7.1 Message refused as spam\r\n");
        });
        await using var client = await SmtpClientConnection.OpenAsync(await server.ConnectAsync(), "mx.test", Options(), CancellationToken.None);
        var result = await client.SendAsync("", ["a@remote.test"], ReadOnlyMemory<byte>.Empty, Content("Subject: x\r\n\r\n.dot\r\n"), false, CancellationToken.None);
        Assert.Equal("554 5.7.1 Message refused as spam", result.For(0).ToString());
        Assert.False(result.RefusedAtRecipient(0));
        await server.Finished;
    }

    [Fact]
    public async Task A_421_ends_the_transaction_with_that_reply_and_retires_the_connection()
    {
        await using var server = new ScriptedServer(async s =>
        {
            await s.SendAsync("220 mx.test\r\n");
            await s.LineAsync();
            await s.SendAsync(Ehlo);
            await s.LineAsync();
            await s.LineAsync();
            await s.LineAsync();
            // The server gives up at MAIL and hangs up without answering the two RCPTs.
            await s.SendAsync("421 4.7.0 Too many connections from your host, closing\r\n");
        });
        await using var client = await SmtpClientConnection.OpenAsync(await server.ConnectAsync(), "mx.test", Options(), CancellationToken.None);
        var result = await client.SendAsync("app@example.com", ["a@remote.test", "b@remote.test"], ReadOnlyMemory<byte>.Empty, Content("x\r\n"), false, CancellationToken.None);
        Assert.Equal("421 4.7.0 Too many connections from your host, closing", result.For(0).ToString());
        Assert.Equal(421, result.For(1).Code);
        Assert.False(result.RefusedAtRecipient(0));
        Assert.False(client.IsUsable);
        await server.Finished;
    }

    [Fact]
    public async Task A_refused_greeting_names_the_servers_reply()
    {
        await using var server = new ScriptedServer(s => s.SendAsync("554 5.7.1 Service unavailable; client host blocked\r\n"));
        var error = await Assert.ThrowsAsync<RemoteRefusalException>(async () =>
            await SmtpClientConnection.OpenAsync(await server.ConnectAsync(), "mx.test", Options(), CancellationToken.None));
        Assert.Equal("554 5.7.1 Service unavailable; client host blocked", error.Reply.ToString());
    }

    [Theory]
    [InlineData("2x0 what\r\n")]
    [InlineData("250_ok\r\n")]
    [InlineData("hello\r\n")]
    public async Task A_malformed_reply_breaks_the_connection(string reply)
    {
        await using var server = new ScriptedServer(s => s.SendAsync(reply));
        await Assert.ThrowsAsync<RemoteProtocolException>(async () =>
            await SmtpClientConnection.OpenAsync(await server.ConnectAsync(), "mx.test", Options(), CancellationToken.None));
    }

    [Fact]
    public async Task Bytes_sent_after_the_starttls_reply_end_the_connection()
    {
        await using var server = new ScriptedServer(async s =>
        {
            await s.SendAsync("220 mx.test\r\n");
            await s.LineAsync();
            await s.SendAsync("250-mx.test\r\n250 STARTTLS\r\n");
            Assert.Equal("STARTTLS", await s.LineAsync());
            // An attacker in the path answers for the server before TLS starts.
            await s.SendAsync("220 go ahead\r\n250 injected\r\n");
        });
        var error = await Assert.ThrowsAsync<RemoteProtocolException>(async () =>
            await SmtpClientConnection.OpenAsync(await server.ConnectAsync(), "mx.test", Options(), CancellationToken.None));
        Assert.Contains("after its reply to STARTTLS", error.Message);
    }

    [Fact]
    public async Task A_relay_without_starttls_is_not_used_when_the_channel_requires_it()
    {
        await using var server = new ScriptedServer(async s =>
        {
            await s.SendAsync("220 relay.test\r\n");
            await s.LineAsync();
            await s.SendAsync("250-relay.test\r\n250 AUTH PLAIN\r\n");
            Assert.True(await s.QuietAsync(), "no password sent in plaintext");
        });
        await Assert.ThrowsAsync<RemoteProtocolException>(async () =>
            await SmtpClientConnection.OpenAsync(await server.ConnectAsync(), "relay.test", Options(ClientTls.StartTlsRequired), CancellationToken.None));
        await server.Finished;
    }

    [Fact]
    public async Task Auth_plain_sends_the_credentials_once_and_a_refusal_is_reported_without_them()
    {
        await using var server = new ScriptedServer(async s =>
        {
            await s.SendAsync("220 relay.test\r\n");
            await s.LineAsync();
            await s.SendAsync("250-relay.test\r\n250 AUTH=LOGIN PLAIN\r\n");
            Assert.Equal("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes("\0user@example.com\0pässword")), await s.LineAsync());
            await s.SendAsync("535 5.7.8 Authentication credentials invalid\r\n");
        });
        await using var client = await SmtpClientConnection.OpenAsync(await server.ConnectAsync(), "relay.test", Options(), CancellationToken.None);
        Assert.True(client.Capabilities.HasFlag(RemoteCapabilities.AuthPlain | RemoteCapabilities.AuthLogin));
        var error = await Assert.ThrowsAsync<RemoteRefusalException>(() => client.AuthenticateAsync("user@example.com", "pässword", CancellationToken.None));
        Assert.Equal("AUTH", error.Stage);
        Assert.Equal(535, error.Reply.Code);
        Assert.DoesNotContain("pässword", error.Message);
        await server.Finished;
    }

    [Fact]
    public async Task International_addresses_need_smtputf8()
    {
        await using var server = new ScriptedServer(async s =>
        {
            await s.SendAsync("220 mx.test\r\n");
            await s.LineAsync();
            await s.SendAsync("250-mx.test\r\n250 PIPELINING\r\n");
            Assert.True(await s.QuietAsync(), "nothing sent for an address the server cannot take");
        });
        await using var client = await SmtpClientConnection.OpenAsync(await server.ConnectAsync(), "mx.test", Options(), CancellationToken.None);
        var result = await client.SendAsync("app@example.com", ["jürgen@remote.test"], ReadOnlyMemory<byte>.Empty, Content("x\r\n"), false, CancellationToken.None);
        Assert.Equal(553, result.For(0).Code);
        Assert.Contains("SMTPUTF8", result.For(0).Text);
        await server.Finished;
    }

    [Fact]
    public async Task A_silent_server_times_out()
    {
        await using var server = new ScriptedServer(async s =>
        {
            await s.SendAsync("220 mx.test\r\n");
            await s.LineAsync();
            await Task.Delay(3000);
        });
        var error = await Assert.ThrowsAsync<TimeoutException>(async () =>
            await SmtpClientConnection.OpenAsync(await server.ConnectAsync(), "mx.test", Options(timeoutSeconds: 0.3), CancellationToken.None));
        Assert.Equal("The server did not send its reply within 0.3 seconds", error.Message);
    }

    [Fact]
    public async Task A_server_that_drips_its_reply_a_byte_at_a_time_is_cut_off_by_the_wait_for_the_whole_reply()
    {
        await using var server = new ScriptedServer(async s =>
        {
            // Each byte comes well within the wait; the whole reply would take 3 seconds.
            foreach (var b in "220 mx.test greets you slowly\r\n")
            {
                await s.SendAsync(b.ToString());
                await Task.Delay(100);
            }
        });
        var error = await Assert.ThrowsAsync<TimeoutException>(async () =>
            await SmtpClientConnection.OpenAsync(await server.ConnectAsync(), "mx.test", Options(timeoutSeconds: 0.5), CancellationToken.None));
        Assert.Equal("The server did not send its greeting within 0.5 seconds", error.Message);
    }
}
