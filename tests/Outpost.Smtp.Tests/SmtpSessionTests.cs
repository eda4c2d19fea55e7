namespace Outpost.Smtp.Tests;

public sealed class SmtpSessionTests : IAsyncLifetime
{
    TestServer _server = null!;

    public Task InitializeAsync()
    {
        _server = new TestServer();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    async Task<TestServer.Client> RelayInTransactionAsync()
    {
        var client = await _server.ConnectAsync(_server.RelayPort);
        Assert.StartsWith("250", await client.CommandAsync("EHLO client.test"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<friend@remote.test>"));
        return client;
    }

    [Fact]
    public async Task Pipelined_commands_get_their_replies_in_order()
    {
        await using var client = await _server.ConnectAsync(_server.RelayPort);
        await client.SendAsync("EHLO client.test\r\nMAIL FROM:<app@example.com>\r\nRCPT TO:<a@remote.test>\r\nRCPT TO:<b@refused.test>\r\nDATA\r\n");
        Assert.Contains("PIPELINING", await client.ReadReplyAsync());
        Assert.StartsWith("250 2.1.0", await client.ReadReplyAsync());
        Assert.StartsWith("250 2.1.5", await client.ReadReplyAsync());
        Assert.StartsWith("550 5.1.1", await client.ReadReplyAsync());
        Assert.StartsWith("354", await client.ReadReplyAsync());
        Assert.StartsWith("250 2.0.0", await client.CommandAsync("Subject: hi\r\n\r\nbody\r\n."));
        Assert.Single(_server.Backend.Messages);
    }

    [Fact]
    public async Task Data_is_dot_unstuffed_and_ends_only_at_a_lone_dot()
    {
        await using var client = await RelayInTransactionAsync();
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        Assert.StartsWith("250", await client.CommandAsync("Subject: dots\r\n\r\n..leading dot\r\n.. \r\nx.\r\n."));
        Assert.True(_server.Backend.Messages.TryDequeue(out var message));
        Assert.Equal("Subject: dots\r\n\r\n.leading dot\r\n. \r\nx.\r\n", message);
    }

    [Theory]
    [InlineData("NOOP\n")]
    [InlineData("NOOP\rRSET\r\n")]
    [InlineData("EHLO a\nMAIL FROM:<x@example.com>\r\n")]
    public async Task A_bare_cr_or_lf_in_a_command_closes_the_connection(string bytes)
    {
        await using var client = await _server.ConnectAsync(_server.RelayPort);
        await client.SendAsync(bytes);
        Assert.StartsWith("500 5.5.2 Bare CR or LF", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedAsync());
    }

    [Theory]
    [InlineData("\n.\n")]
    [InlineData("\r.\r")]
    [InlineData("\r\n.\n")]
    [InlineData("\n.\r\n")]
    [InlineData("\r\n.\r")]
    [InlineData("\r\n.\r\r\n")]
    public async Task A_bare_line_ending_in_data_refuses_the_message_and_closes(string endOfData)
    {
        await using var client = await RelayInTransactionAsync();
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendAsync("Subject: one\r\n\r\ntext" + endOfData + "MAIL FROM:<x@example.com>\r\nRCPT TO:<y@remote.test>\r\nDATA\r\nSubject: two\r\n\r\n.\r\n");
        Assert.StartsWith("500 5.5.2 Bare CR or LF", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedAsync());
        Assert.Empty(_server.Backend.Messages);
    }

    [Fact]
    public async Task A_nul_before_the_dot_is_only_data()
    {
        await using var client = await RelayInTransactionAsync();
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendAsync("Subject: one\r\n\r\ntext\r\n\0.\r\nMAIL FROM:<x@example.com>\r\n.\r\n");
        Assert.StartsWith("250", await client.ReadReplyAsync());
        Assert.Single(_server.Backend.Messages);
        Assert.Contains("MAIL FROM:<x@example.com>", _server.Backend.Messages.Single());
    }

    [Fact]
    public async Task An_oversized_message_is_read_to_its_end_and_refused()
    {
        await using var client = await RelayInTransactionAsync();
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        var line = new string('a', 500) + "\r\n";
        // Past the limit, something that looks like a command: it must stay data.
        await client.SendAsync(string.Concat(Enumerable.Repeat(line, 30)) + "QUIT\r\n" + string.Concat(Enumerable.Repeat(line, 5)) + ".\r\n");
        Assert.Equal("552 5.3.4 Message exceeds the 10000 bytes limit; share large files through a link instead\n", await client.ReadReplyAsync());
        Assert.StartsWith("250", await client.CommandAsync("NOOP"));
        Assert.Empty(_server.Backend.Messages);
        Assert.Contains(_server.Backend.Refusals, r => r.Stage == "data" && r.Reply.Code == 552);
    }

    [Fact]
    public async Task A_declared_size_over_the_limit_is_refused_at_mail()
    {
        await using var client = await _server.ConnectAsync(_server.RelayPort);
        await client.CommandAsync("EHLO client.test");
        Assert.StartsWith("552 5.3.4", await client.CommandAsync("MAIL FROM:<app@example.com> SIZE=10001"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com> SIZE=10000"));
    }

    [Fact]
    public async Task The_ehlo_reply_advertises_the_extensions()
    {
        await using var client = await _server.ConnectAsync(_server.SubmissionPort);
        var ehlo = await client.CommandAsync("EHLO client.test");
        foreach (var extension in new[] { "PIPELINING", "SIZE 10000", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES", "STARTTLS" })
            Assert.Contains("250-" + extension, ehlo.Replace("250 " + extension, "250-" + extension));
        Assert.DoesNotContain("AUTH", ehlo);
    }

    [Fact]
    public async Task A_too_long_data_line_refuses_the_message_but_keeps_the_session()
    {
        await using var client = await RelayInTransactionAsync();
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        await client.SendAsync("Subject: long\r\n\r\n" + new string('x', 5000) + "\r\nshort\r\n.\r\n");
        Assert.StartsWith("500 5.6.0", await client.ReadReplyAsync());
        Assert.StartsWith("250", await client.CommandAsync("NOOP"));
        Assert.Empty(_server.Backend.Messages);
    }

    [Fact]
    public async Task A_too_long_command_line_closes_the_connection()
    {
        await using var client = await _server.ConnectAsync(_server.RelayPort);
        await client.SendAsync("EHLO " + new string('a', 600) + "\r\n");
        Assert.StartsWith("500 5.5.2 Line too long", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedAsync());
    }

    /// <summary>
    /// Found by the smtp-data fuzz target (tests/fuzz): 512 bytes or more of a command with no line end yet
    /// were checked for a bare CR after the reader had let go of them, which threw; the client got
    /// "451 Local error" instead of the line's refusal.
    /// </summary>
    [Theory]
    [InlineData("EHLO ")]
    [InlineData("MAIL FROM:<a@example.com> ")]
    public async Task A_command_past_the_limit_with_no_line_end_yet_is_refused_as_too_long(string start)
    {
        await using var client = await _server.ConnectAsync(_server.RelayPort);
        await client.SendAsync(start + new string('a', 600));
        Assert.StartsWith("500 5.5.2 Line too long", await client.ReadReplyAsync());
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Commands_in_the_wrong_order_are_refused()
    {
        await using var client = await _server.ConnectAsync(_server.RelayPort);
        Assert.StartsWith("503 5.5.1", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        await client.CommandAsync("EHLO client.test");
        Assert.StartsWith("503 5.5.1", await client.CommandAsync("RCPT TO:<a@remote.test>"));
        Assert.StartsWith("503 5.5.1", await client.CommandAsync("DATA"));
        await client.CommandAsync("MAIL FROM:<app@example.com>");
        Assert.StartsWith("503 5.5.1", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        Assert.StartsWith("554 5.5.1", await client.CommandAsync("DATA"));
    }

    [Fact]
    public async Task The_recipient_limit_answers_452()
    {
        await using var client = await RelayInTransactionAsync();
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<b@remote.test>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<c@remote.test>"));
        Assert.StartsWith("452 4.5.3", await client.CommandAsync("RCPT TO:<d@remote.test>"));
    }

    [Fact]
    public async Task Too_many_errors_close_the_connection()
    {
        await using var client = await _server.ConnectAsync(_server.RelayPort);
        for (var i = 0; i < _server.Options.MaxErrors; i++)
            Assert.StartsWith("500", await client.CommandAsync("BOGUS"));
        Assert.StartsWith("421", await client.CommandAsync("BOGUS"));
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task An_http_request_is_turned_away()
    {
        await using var client = await _server.ConnectAsync(_server.RelayPort);
        Assert.StartsWith("521", await client.CommandAsync("GET / HTTP/1.1"));
        Assert.True(await client.IsClosedAsync());
    }

    [Fact]
    public async Task Submission_needs_auth_and_auth_needs_tls()
    {
        await using var client = await _server.ConnectAsync(_server.SubmissionPort);
        await client.CommandAsync("EHLO client.test");
        Assert.StartsWith("530 5.7.0", await client.CommandAsync("MAIL FROM:<alice@example.com>"));
        Assert.StartsWith("538 5.7.11", await client.CommandAsync("AUTH PLAIN AGFsaWNlQGV4YW1wbGUuY29tAHNlY3JldA=="));
    }

    [Fact]
    public async Task Plaintext_pipelined_after_starttls_is_discarded_and_the_session_starts_over()
    {
        await using var client = await _server.ConnectAsync(_server.SubmissionPort);
        await client.CommandAsync("EHLO client.test");
        // An injected command after STARTTLS (CVE-2011-0411 style) must never be answered inside TLS.
        await client.SendAsync("STARTTLS\r\nMAIL FROM:<alice@example.com>\r\n");
        Assert.StartsWith("220 2.0.0", await client.ReadReplyAsync());
        await client.StartTlsAsync();
        // The first reply inside TLS belongs to our first command: the injected MAIL was dropped,
        // and HELO was forgotten, so MAIL needs EHLO again.
        Assert.StartsWith("503 5.5.1 Send EHLO", await client.CommandAsync("MAIL FROM:<alice@example.com>"));
        var ehlo = await client.CommandAsync("EHLO client.test");
        Assert.Contains("AUTH PLAIN LOGIN", ehlo);
        Assert.DoesNotContain("STARTTLS", ehlo);
    }

    [Fact]
    public async Task The_feedback_listener_takes_mail_without_auth_offers_no_auth_and_has_its_own_size_limit()
    {
        await using var client = await _server.ConnectAsync(_server.FeedbackPort);
        var ehlo = await client.CommandAsync("EHLO fbl.remote.test");
        Assert.Contains($"SIZE {TestServer.FeedbackMaxMessageSize}", ehlo);
        Assert.StartsWith("220", await client.CommandAsync("STARTTLS"));
        await client.StartTlsAsync();
        Assert.DoesNotContain("AUTH", await client.CommandAsync("EHLO fbl.remote.test"));
        Assert.StartsWith("503 5.5.1 AUTH is not offered on this listener", await client.CommandAsync("AUTH PLAIN " + B64("\0alice@example.com\0secret")));

        // No AUTH, yet a transaction opens, from the null sender too; the engine decides the recipients.
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<>"));
        Assert.StartsWith("250", await client.CommandAsync("RCPT TO:<fbl@outpost.test>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        Assert.StartsWith("552 5.3.4 Message exceeds the 2000 bytes limit", await client.CommandAsync("Subject: big\r\n\r\n" + new string('x', 900) + "\r\n" + new string('x', 900) + "\r\n" + new string('x', 900) + "\r\n."));
        Assert.StartsWith("552 5.3.4", await client.CommandAsync("MAIL FROM:<fbl@isp.test> SIZE=2001"));

        // The other listeners keep the server's limit.
        await using var submission = await _server.ConnectAsync(_server.SubmissionPort);
        Assert.Contains("SIZE 10000", await submission.CommandAsync("EHLO client.test"));
        Assert.StartsWith("530 5.7.0", await submission.CommandAsync("MAIL FROM:<>"));
    }

    [Fact]
    public async Task Auth_plain_and_login_over_tls()
    {
        await using var client = await _server.ConnectAsync(_server.SubmissionPort);
        await client.CommandAsync("EHLO client.test");
        await client.CommandAsync("STARTTLS");
        await client.StartTlsAsync();
        await client.CommandAsync("EHLO client.test");
        Assert.StartsWith("535 5.7.8 Authentication failed", await client.CommandAsync("AUTH PLAIN " + B64("\0alice@example.com\0wrong")));
        Assert.StartsWith("334 VXNlcm5hbWU6", await client.CommandAsync("AUTH LOGIN"));
        Assert.StartsWith("334 UGFzc3dvcmQ6", await client.CommandAsync(B64("alice@example.com")));
        Assert.StartsWith("235 2.7.0", await client.CommandAsync(B64("secret")));
        Assert.StartsWith("503 5.5.1", await client.CommandAsync("AUTH PLAIN " + B64("\0alice@example.com\0secret")));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<alice@example.com>"));
    }

    [Fact]
    public async Task An_idle_client_is_timed_out()
    {
        await using var server = new TestServer(o => o.CommandTimeout = TimeSpan.FromMilliseconds(300));
        await using var client = await server.ConnectAsync(server.RelayPort);
        Assert.StartsWith("421 4.4.2", await client.ReadReplyAsync());
    }

    static string B64(string s) => Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(s));
}
