using MimeKit;
using Outpost.Engine.Delivery;
using Outpost.Engine.Queue;
using Outpost.Engine.Suppression;
using Outpost.Smtp;

namespace Outpost.Engine.Tests.Suppression;

/// <summary>Hard bounces put an address on the sending domain's list, and the next RCPT to it is refused with one sentence; lists are per domain, lapse, import and export.</summary>
public sealed class SuppressionTests : IAsyncLifetime
{
    readonly EngineHarness _engine = new();

    public Task InitializeAsync() => _engine.SeedAsync();
    public async Task DisposeAsync() => await _engine.DisposeAsync();

    static SmtpSessionInfo Session(string user) => new()
    {
        Id = "s1", ListenerName = "submission", Mode = ListenerMode.Submission,
        Remote = new System.Net.IPEndPoint(System.Net.IPAddress.Parse("192.0.2.1"), 40000), Local = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 587),
        Helo = "client.test", Esmtp = true, TlsProtocol = "TLSv1.3", TlsCipher = "TLS_AES_256_GCM_SHA384", AuthenticatedUser = user,
    };

    static MailPath Path(string address) => AddressParser.ParseCommandArgument($"TO:<{address}>", "TO", false).Path!;

    async Task BounceAsync(string recipient, int code, string reply)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("alice@example.com"));
        message.To.Add(MailboxAddress.Parse(recipient));
        message.Subject = "Invoice 2026-0412";
        message.Body = new TextPart("plain") { Text = "Please find the invoice attached." };
        await _engine.Injector.InjectAsync(message, "alice@example.com", recipient, "test");
        Assert.True(_engine.Dispatcher.Work.TryDequeue(out var work));
        var attempt = new DeliveryAttempt(_engine.Time.GetUtcNow(), "direct", "mx.remote.test", "127.0.0.10", code, reply, null, TimeSpan.Zero);
        await _engine.Recorder.RecordAsync(work.Message, [new AttemptResult(work.Recipients[0], AttemptKind.Permanent, attempt)]);
        while (_engine.Dispatcher.Work.TryDequeue(out _)) { } // the bounce to the sender
    }

    readonly HashSet<string> _published = [];

    async Task<SmtpReply> RcptAsync(string sender, string recipient)
    {
        if (_published.Add(sender[(sender.IndexOf('@') + 1)..]))
        {
            await _engine.PublishRecordsAsync(sender[(sender.IndexOf('@') + 1)..]);
            _engine.Time.Advance(_engine.Options.Sending.RecheckNotReadyAfter + TimeSpan.FromSeconds(1));
        }
        return await _engine.Backend.CheckRecipientAsync(Session(sender), Path(sender), Path(recipient), CancellationToken.None);
    }

    [Fact]
    public async Task A_user_unknown_bounce_suppresses_the_address_and_the_next_rcpt_is_refused_with_the_reply()
    {
        await BounceAsync("gone@remote.test", 550, "550 5.1.1 <gone@remote.test>: Recipient address rejected: User unknown");
        var refused = await RcptAsync("alice@example.com", "Gone@Remote.test");
        Assert.Equal("550 5.1.1 <gone@remote.test> is suppressed since 2026-11-27: 550 5.1.1 <gone@remote.test>: Recipient address rejected: User unknown", refused.ToString());
        var refusals = await _engine.Log.RefusalsAsync(null, 10);
        Assert.Contains(refusals, r => r.Recipient == "gone@remote.test" && r.Stage == "rcpt" && r.Reply.Contains("is suppressed since", StringComparison.Ordinal));
        var entry = Assert.Single(await _engine.Suppressions.ListAsync("example.com", null, 10));
        Assert.Equal((SuppressionSources.Bounce, "gone@remote.test"), (entry.Source, entry.Address));
        Assert.NotNull(entry.MessageId);
    }

    [Theory]
    [InlineData(552, "552 5.2.2 Mailbox full")]
    [InlineData(550, "550 mailbox full, try again later")]
    [InlineData(554, "554 5.7.1 Message rejected as spam")]
    [InlineData(550, "550 5.1.8 Sender address rejected: domain not found")]
    public async Task A_failure_that_is_not_about_the_address_suppresses_nothing(int code, string reply)
    {
        await BounceAsync("full@remote.test", code, reply);
        Assert.Empty(await _engine.Suppressions.ListAsync(null, null, 10));
        var accepted = await RcptAsync("alice@example.com", "full@remote.test");
        Assert.True(accepted.Code == 250, accepted.ToString());
    }

    [Fact]
    public async Task A_list_belongs_to_one_sending_domain_and_an_entry_can_lapse_or_be_removed()
    {
        await _engine.Suppressions.AddAsync("example.com", "<Paused@Remote.test>", "asked us to stop", "anna", TimeSpan.FromDays(2));
        Assert.StartsWith("550 5.1.1 <paused@remote.test> is suppressed since", (await RcptAsync("alice@example.com", "paused@remote.test")).ToString());
        await _engine.AccountService.AddDomainAsync("other.test", Outpost.Engine.Accounts.Plan.Paid);
        await _engine.AccountService.AddMailboxAsync("carol@other.test", "secret-password-1", Outpost.Engine.Accounts.MailboxRole.User);
        var other = await RcptAsync("carol@other.test", "paused@remote.test");
        Assert.True(other.Code == 250, other.ToString()); // another domain's list

        _engine.Time.Advance(TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));
        var lapsed = await RcptAsync("alice@example.com", "paused@remote.test");
        Assert.True(lapsed.Code == 250, lapsed.ToString()); // lapsed
        Assert.True(await _engine.Suppressions.RemoveAsync("example.com", "paused@remote.test"));
        Assert.False(await _engine.Suppressions.RemoveAsync("example.com", "paused@remote.test"));
        Assert.Throws<ArgumentException>(() => SuppressionService.Normalise("not an address"));
    }

    [Fact]
    public void Csv_round_trips_and_names_the_line_of_a_bad_row()
    {
        var entries = new[]
        {
            new Outpost.Engine.Suppression.Suppression("example.com", "a@remote.test", "550 5.1.1 no, \"really\"", SuppressionSources.Bounce, DateTimeOffset.UnixEpoch),
            new Outpost.Engine.Suppression.Suppression("example.com", "b@remote.test", "by hand", SuppressionSources.Operator, DateTimeOffset.UnixEpoch),
        };
        var text = new StringWriter();
        SuppressionCsv.Write(text, entries);
        var back = SuppressionCsv.Read(new StringReader(text.ToString())).ToList();
        Assert.Equal([("a@remote.test", "550 5.1.1 no, \"really\""), ("b@remote.test", "by hand")], back);
        Assert.Equal([("c@remote.test", (string?)null)], SuppressionCsv.Read(new StringReader("address\nC@Remote.test\n")).ToList());
        var error = Assert.Throws<InvalidDataException>(() => SuppressionCsv.Read(new StringReader("a@remote.test\nnot-an-address\n")).ToList());
        Assert.StartsWith("Line 2: 'not-an-address' is not an e-mail address.", error.Message);
    }
}
