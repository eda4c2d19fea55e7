using MimeKit;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// SMTP smuggling: end-of-data sequences other than CRLF.CRLF must never end a message, so a second,
/// forged message hidden in the first can never come out. Outpost refuses bare CR and LF outright.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class SmugglingTests(MailWorld world)
{
    OutpostServer Outpost => world.Outpost;

    [Theory]
    [InlineData("\n.\n")]
    [InlineData("\r.\r")]
    [InlineData("\r\n.\n")]
    [InlineData("\n.\r\n")]
    [InlineData("\r\n.\r")]
    [InlineData("\r\n\x00.\r\n")]
    [InlineData("\r\n.\r\r\n")]
    public async Task A_hidden_second_message_never_comes_out(string endOfData)
    {
        var token = Submit.Token();
        await using var client = await RawSmtpClient.ConnectAsync(Outpost.RelayPort, "127.0.0.5");
        await client.CommandAsync("EHLO app.example.com");
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<bob@example.com>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendAsync(
            $"From: app@example.com\r\nSubject: carrier {token}\r\n\r\nInnocent text." + endOfData +
            "MAIL FROM:<ceo@example.com>\r\nRCPT TO:<bob@example.com>\r\nDATA\r\n" +
            $"From: ceo@example.com\r\nSubject: smuggled {token}\r\n\r\nPay the invoice.\r\n.\r\nQUIT\r\n");
        var replies = await client.ReadToCloseAsync();

        Assert.True(replies.Split("queued as").Length - 1 <= 1, "at most one message may be accepted:\n" + replies);
        await Task.Delay(1000);
        foreach (var file in Outpost.MailboxFiles("bob@example.com"))
        {
            var message = await MimeMessage.LoadAsync(file);
            Assert.NotEqual($"smuggled {token}", message.Subject);
        }
        if (endOfData.Contains('\0'))
            Assert.Contains("queued as", replies); // the NUL line is data, and CRLF.CRLF ends the one message
        else
            Assert.Contains("500 5.5.2 Bare CR or LF is not allowed", replies);
    }
}
