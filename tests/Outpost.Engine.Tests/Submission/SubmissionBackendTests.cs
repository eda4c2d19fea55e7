using System.Net;
using System.Text;
using Outpost.Engine.Queue;
using Outpost.Smtp;

namespace Outpost.Engine.Tests.Submission;

public sealed class SubmissionBackendTests : IAsyncLifetime
{
    readonly EngineHarness _engine = new();

    public Task InitializeAsync() => _engine.SeedAsync();
    public async Task DisposeAsync() => await _engine.DisposeAsync();

    static SmtpSessionInfo Session(string? user) => new()
    {
        Id = "t1", ListenerName = "submission", Mode = ListenerMode.Submission,
        Remote = new IPEndPoint(IPAddress.Parse("192.0.2.1"), 40000), Local = new IPEndPoint(IPAddress.Loopback, 587),
        Helo = "client.test", Esmtp = true, TlsProtocol = "TLSv1.3", TlsCipher = "TLS_AES_256_GCM_SHA384", AuthenticatedUser = user,
    };

    static MailPath Path(string address) => AddressParser.ParseCommandArgument($"TO:<{address}>", "TO", false).Path!;

    [Fact]
    public async Task A_message_without_date_and_message_id_gets_them_and_is_queued_durably()
    {
        var session = Session("alice@example.com");
        var sink = _engine.Backend.OpenMessage(session, Path("alice@example.com"), [Path("bob@remote.test"), Path("alice@example.com")]);
        await using (sink)
        {
            sink.WriteLine("From: alice@example.com"u8);
            sink.WriteLine("Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?="u8);
            sink.WriteLine(""u8);
            sink.WriteLine("Hello."u8);
            var reply = await sink.CommitAsync(CancellationToken.None);
            Assert.Equal(250, reply.Code);
        }

        var work = _engine.Dispatcher.Work.ToList();
        Assert.Equal(2, work.Count);
        Assert.Contains(work, w => w.Recipients.Single().Route == Route.Remote && w.Recipients.Single().Domain == "remote.test");
        Assert.Contains(work, w => w.Recipients.Single().Route == Route.Local);

        var message = work[0].Message;
        Assert.Equal("Grüße", message.Subject);
        var text = await File.ReadAllTextAsync(message.SpoolPath, Encoding.UTF8);
        Assert.StartsWith("Received: from client.test ([192.0.2.1])", text);
        Assert.Contains("with ESMTPSA id " + message.Id, text);
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.Contains("\r\nDate: ", text[..headerEnd]);
        Assert.Contains("\r\nMessage-ID: <" + message.Id, text[..headerEnd]);
        Assert.EndsWith("\r\n\r\nHello.\r\n", text);
        Assert.Equal(new FileInfo(message.SpoolPath).Length, message.Size);

        var report = await _engine.Log.GetReportAsync(message.Id);
        Assert.Equal(2, report!.Recipients.Count);
        Assert.All(report.Recipients, r => Assert.Equal(RecipientStatus.Queued, r.Status));
    }

    [Fact]
    public async Task A_message_that_is_dropped_before_commit_leaves_nothing_behind()
    {
        await using (var sink = _engine.Backend.OpenMessage(Session("alice@example.com"), Path("alice@example.com"), [Path("bob@remote.test")]))
            sink.WriteLine("Subject: never finished"u8);
        Assert.Empty(Directory.GetFiles(_engine.Spool.Root));
        Assert.Empty(await _engine.Queue.ListOpenAsync(10));
    }

    static MailPath Sender(string address, bool smtpUtf8 = false) =>
        AddressParser.ParseCommandArgument($"FROM:<{address}>{(smtpUtf8 ? " SMTPUTF8" : "")}", "FROM", false).Path!;

    [Theory]
    [InlineData("Subject: no from|To: bob@remote.test", false, "550 5.6.0 The message has no From header; add one with the sender's address")]
    [InlineData("From: alice@example.com|Subject: caf\u00e9", false, "554 5.6.7 The message has 8-bit characters in its headers; encode them (RFC 2047) or send it with SMTPUTF8")]
    [InlineData("From: alice@example.com|Subject: folded| caf\u00e9", false, "554 5.6.7 The message has 8-bit characters in its headers; encode them (RFC 2047) or send it with SMTPUTF8")]
    [InlineData("From: alice@example.com|Subject: caf\u00e9", true, "250")]
    [InlineData("From: alice@example.com|Subject: ascii", false, "250")]
    public async Task A_malformed_header_block_is_refused_at_the_end_with_a_sentence_and_leaves_nothing(string headers, bool smtpUtf8, string expected)
    {
        SmtpReply reply;
        await using (var sink = _engine.Backend.OpenMessage(Session("alice@example.com"), Sender("alice@example.com", smtpUtf8), [Path("bob@remote.test")]))
        {
            foreach (var line in headers.Split('|'))
                sink.WriteLine(Encoding.UTF8.GetBytes(line));
            sink.WriteLine(""u8);
            sink.WriteLine(Encoding.UTF8.GetBytes("8-bit text in the body is fine: caf\u00e9."));
            reply = await sink.CommitAsync(CancellationToken.None);
        }
        Assert.StartsWith(expected, reply.ToString());
        if (expected == "250")
            return;
        Assert.Empty(Directory.GetFiles(_engine.Spool.Root));
        Assert.Empty(await _engine.Queue.ListOpenAsync(10));
        Assert.Empty(_engine.Dispatcher.Work);
    }

    [Theory]
    [InlineData("alice@example.com", "alice@example.com", 250)]
    [InlineData("alice@example.com", "ALICE@example.com", 250)]
    [InlineData("alice@example.com", "bob@example.com", 550)]
    [InlineData("alice@example.com", "alice@other.test", 550)]
    public async Task A_user_sends_only_as_itself(string user, string sender, int code)
    {
        var reply = await _engine.Backend.CheckSenderAsync(Session(user), Path(sender), CancellationToken.None);
        Assert.Equal(code, reply.Code);
    }

    [Fact]
    public async Task Unknown_hosted_mailboxes_are_refused_and_logged()
    {
        var session = Session("alice@example.com");
        var refused = await _engine.Backend.CheckRecipientAsync(session, Path("alice@example.com"), Path("nobody@example.com"), CancellationToken.None);
        Assert.Equal("550 5.1.1 The mailbox <nobody@example.com> does not exist", refused.ToString());
        var refusals = await _engine.Log.RefusalsAsync(null, 10);
        Assert.Contains(refusals, r => r.Recipient == "nobody@example.com" && r.Stage == "rcpt" && r.Code == 550);
    }

    [Fact]
    public async Task External_recipients_need_the_sending_records_and_are_told_when_they_are_fresh()
    {
        var session = Session("alice@example.com");
        var refused = await _engine.Backend.CheckRecipientAsync(session, Path("alice@example.com"), Path("friend@remote.test"), CancellationToken.None);
        Assert.Equal("550 5.7.1 The sending DNS records of example.com are not set up: the SPF record of example.com is missing (see 'outpost domain dns example.com')", refused.ToString());

        await _engine.PublishRecordsAsync("example.com");
        _engine.Time.Advance(_engine.Options.Sending.RecheckNotReadyAfter + TimeSpan.FromSeconds(1));
        var accepted = await _engine.Backend.CheckRecipientAsync(session, Path("alice@example.com"), Path("friend@remote.test"), CancellationToken.None);
        Assert.Equal(250, accepted.Code);
        Assert.Contains("some receivers may not see them for a few hours", accepted.Text);

        _engine.Time.Advance(_engine.Options.Sending.FreshRecordsWindow + TimeSpan.FromMinutes(1));
        var later = await _engine.Backend.CheckRecipientAsync(session, Path("alice@example.com"), Path("friend@remote.test"), CancellationToken.None);
        Assert.Equal("250 2.1.5 Recipient ok", later.ToString());
        var local = await _engine.Backend.CheckRecipientAsync(session, Path("alice@example.com"), Path("alice@example.com"), CancellationToken.None);
        Assert.Equal("250 2.1.5 Recipient ok", local.ToString());
    }

    [Fact]
    public async Task Authentication_failures_look_the_same_for_unknown_users()
    {
        var session = Session(null);
        var wrongPassword = await _engine.Backend.AuthenticateAsync(session, "alice@example.com", "nope", CancellationToken.None);
        var unknownUser = await _engine.Backend.AuthenticateAsync(session, "ghost@example.com", "correct-horse-1", CancellationToken.None);
        Assert.False(wrongPassword.Success);
        Assert.False(unknownUser.Success);
        Assert.Equal(wrongPassword.Disconnect, unknownUser.Disconnect);
        var ok = await _engine.Backend.AuthenticateAsync(session, "Alice@Example.com", "correct-horse-1", CancellationToken.None);
        Assert.Equal("alice@example.com", ok.Identity);
        var refusals = await _engine.Log.RefusalsAsync(null, 10);
        Assert.All(refusals, r => Assert.DoesNotContain("nope", r.Reply + r.AuthUser + r.Sender));
    }
}
