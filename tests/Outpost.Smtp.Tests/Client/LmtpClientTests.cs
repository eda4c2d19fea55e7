using System.Text;
using Outpost.Smtp.Client;

namespace Outpost.Smtp.Tests.Client;

/// <summary>The SMTP client in LMTP mode (RFC 2033): LHLO, and one reply per accepted recipient after the message.</summary>
public sealed class LmtpClientTests
{
    static SmtpClientOptions Options() => new()
    {
        HeloName = "out.test",
        Tls = ClientTls.None,
        Lmtp = true,
        CommandTimeout = TimeSpan.FromSeconds(10),
        DataTimeout = TimeSpan.FromSeconds(10),
    };

    [Fact]
    public async Task Each_accepted_recipient_gets_its_own_reply_to_the_message()
    {
        await using var server = new ScriptedServer(async s =>
        {
            await s.SendAsync("220 mail.test LMTP ready\r\n");
            Assert.Equal("LHLO out.test", await s.LineAsync());
            await s.SendAsync("250-mail.test\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
            Assert.Equal("MAIL FROM:<a@example.com> BODY=8BITMIME", await s.LineAsync());
            Assert.Equal("RCPT TO:<full@example.com>", await s.LineAsync());
            Assert.Equal("RCPT TO:<ghost@example.com>", await s.LineAsync());
            Assert.Equal("RCPT TO:<bob@example.com>", await s.LineAsync());
            await s.SendAsync("250 ok\r\n250 ok\r\n550 5.1.1 <ghost@example.com> User doesn't exist\r\n250 ok\r\n");
            Assert.Equal("DATA", await s.LineAsync());
            await s.SendAsync("354 go\r\n");
            Assert.Equal("Subject: x\r\n\r\nhi\r\n.\r\n", await s.DataAsync());
            // One reply per recipient taken, in RCPT order: the first is over quota, the other is saved.
            await s.SendAsync("452 4.2.2 <full@example.com> Mailbox is full\r\n250 2.0.0 <bob@example.com> Saved\r\n");
            Assert.Equal("QUIT", await s.LineAsync());
            await s.SendAsync("221 bye\r\n");
        });
        await using var client = await SmtpClientConnection.OpenAsync(await server.ConnectAsync(), "lmtp", Options(), CancellationToken.None);
        var result = await client.SendAsync("a@example.com", ["full@example.com", "ghost@example.com", "bob@example.com"], ReadOnlyMemory<byte>.Empty,
            new MemoryStream(Encoding.UTF8.GetBytes("Subject: x\r\n\r\nhi\r\n")), eightBit: true, CancellationToken.None);
        Assert.Equal("452 4.2.2 <full@example.com> Mailbox is full", result.For(0).ToString());
        Assert.Equal(550, result.For(1).Code);
        Assert.Equal("250 2.0.0 <bob@example.com> Saved", result.For(2).ToString());
        Assert.True(client.IsUsable);
        await client.QuitAsync(CancellationToken.None);
        await server.Finished;
    }

    [Fact]
    public async Task A_refused_lhlo_is_not_retried_as_helo()
    {
        await using var server = new ScriptedServer(async s =>
        {
            await s.SendAsync("220 mail.test\r\n");
            Assert.Equal("LHLO out.test", await s.LineAsync());
            await s.SendAsync("500 5.5.1 Unknown command\r\n");
            Assert.True(await s.QuietAsync(), "no HELO after a refused LHLO");
        });
        var error = await Assert.ThrowsAsync<RemoteRefusalException>(async () =>
            await SmtpClientConnection.OpenAsync(await server.ConnectAsync(), "lmtp", Options(), CancellationToken.None));
        Assert.Equal("LHLO", error.Stage);
        await server.Finished;
    }
}
