using System.Text;
using Outpost.Scenarios.Infrastructure;
using Xunit.Abstractions;

namespace Outpost.Scenarios;

/// <summary>
/// Bad input gets one clear sentence: each malformed thing is sent over SMTP as it would arrive, and the reply
/// (code and sentence) is compared with the table in docs/SECURITY.md. A refused message is never half-stored
/// (no spool file, no send-log entry, nothing delivered); an accepted one is delivered, not lost.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class BadInputTests(MailWorld world, ITestOutputHelper output)
{
    OutpostServer Outpost => world.Outpost;

    const string NoFrom = "550 5.6.0 The message has no From header; add one with the sender's address";
    const string EightBitHeaders = "554 5.6.7 The message has 8-bit characters in its headers; encode them (RFC 2047) or send it with SMTPUTF8";

    /// <summary>What a row sends after DATA (its header and body, token in the subject), and whether the session is expected to end.</summary>
    public static TheoryData<string, string, string> Rows() => new()
    {
        // name, message (TOKEN is replaced), expected reply prefix
        { "8-bit header without SMTPUTF8", "Subject: caf\u00e9 TOKEN\r\nFrom: app@example.com\r\n\r\nBody.\r\n", EightBitHeaders },
        { "NUL byte in the body", "Subject: TOKEN\r\nFrom: app@example.com\r\n\r\nBefore\0after.\r\n", "250 2.0.0 Ok: queued as" },
        { "a line over 1000 octets", "Subject: TOKEN\r\nFrom: app@example.com\r\n\r\n" + new string('y', 1200) + "\r\n", "500 5.6.0 Message has a line longer than 998 characters; lines must be wrapped" },
        { "invalid MIME (multipart without boundary, broken base64)", "Subject: TOKEN\r\nFrom: app@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed\r\n\r\n--x\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n", "250 2.0.0 Ok: queued as" },
        { "a message without From", "Subject: TOKEN\r\n\r\nNo From header.\r\n", NoFrom },
        { "an attachment name with CR LF", "Subject: TOKEN\r\nFrom: app@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=\"a\rBcc: victim@remote.test.txt\"\r\n\r\nx\r\n--b--\r\n", "500 5.5.2 Bare CR or LF is not allowed; lines must end with CRLF" },
        { "a bare LF", "Subject: TOKEN\r\nFrom: app@example.com\r\n\r\nline one\nline two\r\n", "500 5.5.2 Bare CR or LF is not allowed; lines must end with CRLF" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Each_malformed_message_gets_one_sentence_and_is_stored_whole_or_not_at_all(string name, string message, string expected)
    {
        var token = Submit.Token();
        var body = message.Replace("TOKEN", token, StringComparison.Ordinal);
        await using var client = await RawSmtpClient.ConnectAsync(Outpost.RelayPort, "127.0.0.5");
        Assert.StartsWith("250", await client.CommandAsync("EHLO app.example.com"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<bob@example.com>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendRawAsync(Encoding.UTF8.GetBytes(body + ".\r\n"));
        var reply = (await client.ReadReplyAsync()).Trim();
        output.WriteLine($"| {name} | `{reply}` |");
        Assert.StartsWith(expected, reply);
        await AssertStoredAsync(token, accepted: expected.StartsWith("250", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Eight_bit_headers_are_taken_with_smtputf8()
    {
        var token = Submit.Token();
        await using var client = await RawSmtpClient.ConnectAsync(Outpost.RelayPort, "127.0.0.5");
        Assert.StartsWith("250", await client.CommandAsync("EHLO app.example.com"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com> SMTPUTF8"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<bob@example.com>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendRawAsync(Encoding.UTF8.GetBytes($"Subject: caf\u00e9 {token}\r\nFrom: app@example.com\r\n\r\nBody.\r\n.\r\n"));
        var reply = (await client.ReadReplyAsync()).Trim();
        output.WriteLine($"| 8-bit header with SMTPUTF8 | `{reply}` |");
        Assert.StartsWith("250 2.0.0 Ok: queued as", reply);
        await AssertStoredAsync(token, accepted: true);
    }

    [Theory]
    [InlineData("Subject: TOKEN\r\nTo: bob@example.com\r\n\r\nNo From header.\r\n", NoFrom)]
    [InlineData("From: alice@example.com\r\nSubject: caf\u00e9 TOKEN\r\n\r\nBody.\r\n", EightBitHeaders)]
    public async Task The_raw_api_refuses_the_same_with_the_same_sentence(string message, string expected)
    {
        var token = Submit.Token();
        using var http = new HttpClient { BaseAddress = Outpost.Api };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"alice@example.com:{MailWorld.Password}")));
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(message.Replace("TOKEN", token, StringComparison.Ordinal)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("message/rfc822");
        var response = await http.PostAsync("messages/raw?from=alice@example.com&to=bob@example.com", content);
        var text = await response.Content.ReadAsStringAsync();
        output.WriteLine($"| raw API: {expected[..9]} | `{(int)response.StatusCode} {text}` |");
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(expected[10..], System.Text.Json.JsonDocument.Parse(text).RootElement.GetProperty("error").GetString());
        await AssertStoredAsync(token, accepted: false);
    }

    [Fact]
    public async Task A_nul_byte_in_a_command_is_refused_with_a_sentence()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Outpost.RelayPort, "127.0.0.5");
        Assert.StartsWith("250", await client.CommandAsync("EHLO app.example.com"));
        var reply = (await client.CommandAsync("MAIL FROM:<app\0x@example.com>")).Trim();
        output.WriteLine($"| NUL byte in a command | `{reply}` |");
        Assert.StartsWith("501 5.1.3 Bad address syntax; use <local@domain>", reply);
    }

    [Fact]
    public async Task A_from_header_not_matching_the_login_is_taken_as_the_envelope_is_the_login()
    {
        var token = Submit.Token();
        var result = await Swaks.RunAsync("--server", $"127.0.0.1:{Outpost.SubmissionPort}", "--tls", "--auth", "PLAIN",
            "--auth-user", "alice@example.com", "--auth-password", MailWorld.Password,
            "--from", "alice@example.com", "--to", "bob@example.com", "--header", $"Subject: {token}", "--header", "From: ceo@example.com");
        var line = result.All.Split('\n').FirstOrDefault(l => l.Contains("queued as"))?.Trim() ?? result.All;
        output.WriteLine($"| a From header not matching the login | `{line}` |");
        Assert.NotNull(Swaks.QueueId(result));
        await AssertStoredAsync(token, accepted: true);
    }

    async Task AssertStoredAsync(string token, bool accepted)
    {
        if (accepted)
        {
            await Eventually.GetAsync(() => Outpost.MailboxFiles("bob@example.com").FirstOrDefault(f => File.ReadAllText(f).Contains(token)), "the accepted message in bob's Maildir");
            return;
        }
        await Task.Delay(500);
        var spool = Path.Combine(Outpost.DataDirectory, "spool");
        Assert.DoesNotContain(Directory.GetFiles(spool), f => File.ReadAllText(f).Contains(token));
        Assert.DoesNotContain(Outpost.MailboxFiles("bob@example.com"), f => File.ReadAllText(f).Contains(token));
        var log = await Outpost.CliAsync("log", "--limit", "500", "--json");
        Assert.DoesNotContain(token, log.Output);
    }
}
