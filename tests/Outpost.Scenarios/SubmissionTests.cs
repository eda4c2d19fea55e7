using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>Submission from real clients: TLS, AUTH, who may send as whom, and internal delivery.</summary>
[Collection(MailWorldCollection.Name)]
public sealed class SubmissionTests(MailWorld world)
{
    OutpostServer Outpost => world.Outpost;

    [Fact]
    public async Task Starttls_and_auth_deliver_into_the_hosted_mailbox()
    {
        var subject = "internal " + Submit.Token();
        var id = await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, "bob@example.com", subject));

        var file = await Eventually.GetAsync(() => Outpost.MailboxFiles("bob@example.com").FirstOrDefault(f => File.ReadAllText(f).Contains(subject)), "the message in bob's Maildir");
        var text = await File.ReadAllTextAsync(file);
        Assert.StartsWith("Return-Path: <alice@example.com>\r\nDelivered-To: bob@example.com\r\nReceived: from ", text);
        Assert.Contains("with ESMTPSA id " + id, text);
        Assert.Contains("(using TLSv1.", text);

        var report = await Outpost.WaitForStatusAsync(id, "delivered");
        Assert.Equal("alice@example.com", report.GetProperty("authUser").GetString());
        Assert.Equal(subject, report.GetProperty("subject").GetString());
        var log = await Outpost.CliJsonAsync("log", "--to", "bob@example.com", "--status", "delivered");
        Assert.Contains(log.EnumerateArray(), e => e.GetProperty("messageId").GetString() == id);
    }

    [Fact]
    public async Task Implicit_tls_submission_delivers()
    {
        var subject = "implicit " + Submit.Token();
        var result = await Swaks.RunAsync("--server", $"127.0.0.1:{Outpost.TlsPort}", "--tlsc", "--auth", "LOGIN",
            "--auth-user", "alice@example.com", "--auth-password", MailWorld.Password,
            "--from", "alice@example.com", "--to", "bob@example.com", "--header", $"Subject: {subject}");
        var id = Swaks.QueueId(result);
        Assert.True(id is not null, result.All);
        await Eventually.GetAsync(() => Outpost.MailboxFiles("bob@example.com").FirstOrDefault(f => File.ReadAllText(f).Contains(subject)), "the message in bob's Maildir");
    }

    [Theory]
    [InlineData("alice@example.com", "wrong-password")]
    [InlineData("nobody@example.com", MailWorld.Password)]
    [InlineData("alice@elsewhere.test", "whatever-it-is")]
    public async Task Wrong_credentials_get_the_same_535_whoever_it_is(string user, string password)
    {
        var result = await Swaks.RunAsync("--server", $"127.0.0.1:{Outpost.SubmissionPort}", "--tls", "--auth", "PLAIN",
            "--auth-user", user, "--auth-password", password, "--from", "alice@example.com", "--to", "bob@example.com");
        Assert.Contains("535 5.7.8 Authentication failed", result.All);
        Assert.DoesNotContain("queued as", result.All);
    }

    [Fact]
    public async Task Mail_without_auth_is_refused_on_submission()
    {
        var result = await Swaks.RunAsync("--server", $"127.0.0.1:{Outpost.SubmissionPort}", "--tls",
            "--from", "alice@example.com", "--to", "someone@remote.test");
        Assert.Contains("530 5.7.0 Authentication required", result.All);
    }

    [Fact]
    public async Task Auth_is_offered_only_after_starttls()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Outpost.SubmissionPort);
        var ehlo = await client.CommandAsync("EHLO client.test");
        Assert.Contains("STARTTLS", ehlo);
        Assert.DoesNotContain("AUTH", ehlo);
        var auth = await client.CommandAsync("AUTH PLAIN " + Convert.ToBase64String("\0alice@example.com\0correct-horse-1"u8.ToArray()));
        Assert.StartsWith("538 5.7.11", auth);
    }

    [Fact]
    public async Task A_user_cannot_send_as_someone_else_but_a_domain_admin_can()
    {
        var refused = await Submit.AsAsync(Outpost, "alice@example.com", "bob@example.com", "someone@remote.test", "spoof " + Submit.Token());
        Assert.Contains("550 5.7.1 You may not send as <bob@example.com>", refused.All);

        var admin = await Submit.AsAsync(Outpost, "admin@example.com", "bob@example.com", "alice@example.com", "admin " + Submit.Token());
        Assert.NotNull(Swaks.QueueId(admin));
    }

    [Fact]
    public async Task An_unknown_hosted_mailbox_is_refused_at_rcpt()
    {
        var result = await Submit.AliceAsync(Outpost, "nobody@example.com", "unknown " + Submit.Token());
        Assert.Contains("550 5.1.1 The mailbox <nobody@example.com> does not exist", result.All);
        Assert.Null(Swaks.QueueId(result));
        var refusals = await Outpost.CliJsonAsync("log", "--refusals");
        Assert.Contains(refusals.EnumerateArray(), r => r.GetProperty("recipient").GetString() == "nobody@example.com" && r.GetProperty("code").GetInt32() == 550);
    }
}
