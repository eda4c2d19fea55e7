using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;
using Outpost.Smtp;

namespace Outpost.Engine.Tests.Submission;

/// <summary>Refusals at submission write their recipients' events into the outbox with the refusal: rejected, or suppressed; with the sender, and the sentence the sender saw.</summary>
public sealed class RefusalEventsTests : IAsyncLifetime
{
    readonly EngineHarness _engine = new();

    public async Task InitializeAsync()
    {
        await _engine.SeedAsync();
        await _engine.PublishRecordsAsync("example.com");
        _engine.Time.Advance(_engine.Options.Sending.RecheckNotReadyAfter + TimeSpan.FromSeconds(1));
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    static SmtpSessionInfo Session() => new()
    {
        Id = "s1", ListenerName = "submission", Mode = ListenerMode.Submission,
        Remote = new System.Net.IPEndPoint(System.Net.IPAddress.Parse("192.0.2.1"), 40000), Local = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 587),
        Helo = "client.test", Esmtp = true, TlsProtocol = "TLSv1.3", TlsCipher = "TLS_AES_256_GCM_SHA384", AuthenticatedUser = "alice@example.com",
    };

    static MailPath Path(string address) => AddressParser.ParseCommandArgument($"TO:<{address}>", "TO", false).Path!;

    Task<IReadOnlyList<LifecycleEvent>> EventsAsync() => _engine.Log.EventsAsync(new EventQuery());

    [Fact]
    public async Task A_suppressed_recipient_is_a_suppressed_event_and_an_unknown_mailbox_a_rejected_one()
    {
        await _engine.Suppressions.AddAsync("example.com", "gone@remote.test", "550 5.1.1 user unknown", "test");
        var suppressed = await _engine.Backend.CheckRecipientAsync(Session(), Path("alice@example.com"), Path("gone@remote.test"), CancellationToken.None);
        var unknown = await _engine.Backend.CheckRecipientAsync(Session(), Path("alice@example.com"), Path("nobody@example.com"), CancellationToken.None);
        var accepted = await _engine.Backend.CheckRecipientAsync(Session(), Path("alice@example.com"), Path("bob@remote.test"), CancellationToken.None);
        Assert.Equal(250, accepted.Code);

        var events = await EventsAsync();
        Assert.Equal(["suppressed", "rejected"], events.Select(e => e.Type));
        var s = events[0];
        Assert.Equal((null, (long?)null, "gone@remote.test", "alice@example.com", "example.com", RecipientStatus.Rejected, (RecipientStatus?)null),
            (s.MessageId, s.RecipientId, s.Recipient, s.Sender, s.SenderDomain, s.To, s.From));
        Assert.Equal(suppressed.ToString(), s.Reply!.Text);
        Assert.Equal((550, "5.1.1"), (s.Reply.Code, s.Reply.Enhanced));
        Assert.Equal(unknown.ToString(), events[1].Reply!.Text);
        // Each event beside its refusal row, the same sentence in both.
        var refusals = await _engine.Log.RefusalsAsync(null, 10);
        Assert.Equal(events.Select(e => e.Reply!.Text).Order(), refusals.Select(r => r.Reply).Order());
    }

    [Fact]
    public async Task A_message_refused_after_data_is_one_rejected_event_per_recipient_and_a_refused_sender_none()
    {
        var session = Session();
        session.Recipients = [Path("bob@remote.test"), Path("carol@remote.test")];
        _engine.Backend.OnProtocolRefusal(session, "data", SmtpReplies.MessageTooBig(26214400), Path("alice@example.com"));
        var refusedSender = await _engine.Backend.CheckSenderAsync(session, Path("mallory@other.test"), CancellationToken.None);
        Assert.Equal(550, refusedSender.Code);

        IReadOnlyList<LifecycleEvent> events = [];
        for (var i = 0; i < 100 && events.Count < 2; i++)
        {
            await Task.Delay(20); // the protocol's refusal is recorded in the background
            events = await EventsAsync();
        }
        Assert.Equal([("rejected", "bob@remote.test"), ("rejected", "carol@remote.test")], events.Select(e => (e.Type, e.Recipient)));
        Assert.All(events, e => Assert.StartsWith("552 5.3.4", e.Reply!.Text));
        Assert.Equal(2, (await _engine.Log.RefusalsAsync(null, 10)).Count); // the message's and the sender's; the sender's has no event
    }
}
