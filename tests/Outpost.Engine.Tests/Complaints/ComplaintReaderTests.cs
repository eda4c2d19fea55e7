using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Engine.Complaints;
using Outpost.Engine.Delivery;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;
using Outpost.Smtp;

namespace Outpost.Engine.Tests.Complaints;

/// <summary>
/// Reports matched to messages the engine really queued and delivered (over a real SQLite file): the
/// order queue id, Message-ID, sender-recipient-date; the complainer; the effects in one go
/// (suppression, event, violation, restriction, rate); and every report kept, matched or not.
/// </summary>
public sealed class ComplaintReaderTests : IAsyncLifetime
{
    const string Business = "Dear Bob, please find attached the minutes of our meeting on Tuesday and the revised schedule for the installation.";
    readonly EngineHarness _engine = new();

    public Task InitializeAsync() => _engine.SeedAsync();
    public async Task DisposeAsync() => await _engine.DisposeAsync();

    static SmtpSessionInfo Session(string? user, ListenerMode mode = ListenerMode.Submission) => new()
    {
        Id = "c1", ListenerName = mode.ToString(), Mode = mode,
        Remote = new IPEndPoint(IPAddress.Parse("192.0.2.1"), 40000), Local = new IPEndPoint(IPAddress.Loopback, 587),
        Helo = "client.test", Esmtp = true, TlsProtocol = "TLSv1.3", TlsCipher = "TLS_AES_256_GCM_SHA384", AuthenticatedUser = user,
    };

    static MailPath Path(string address) => AddressParser.ParseCommandArgument(address.Length == 0 ? "FROM:<>" : $"TO:<{address}>", address.Length == 0 ? "FROM" : "TO", address.Length == 0).Path!;

    /// <summary>Queues a message as alice and records every recipient delivered; returns it with its spool text.</summary>
    async Task<(QueuedMessage Message, string Text)> SentAsync(string[] to, string? messageId = null)
    {
        var sink = _engine.Backend.OpenMessage(Session("alice@example.com"), Path("alice@example.com"), to.Select(Path).ToArray());
        await using (sink)
        {
            void Line(string text) => sink.WriteLine(Encoding.UTF8.GetBytes(text));
            Line("From: Alice <alice@example.com>");
            Line("To: " + string.Join(", ", to));
            Line("Subject: Minutes of Tuesday");
            if (messageId is not null)
                Line($"Message-ID: <{messageId}>");
            Line("");
            Line(Business);
            var reply = await sink.CommitAsync(CancellationToken.None);
            Assert.True(reply.Code == 250, reply.ToString());
        }
        QueuedMessage? message = null;
        string? text = null;
        while (_engine.Dispatcher.Work.TryDequeue(out var work))
        {
            message = work.Message;
            // Read before delivery is recorded: a message with no open recipient leaves the spool.
            text ??= await File.ReadAllTextAsync(message.SpoolPath);
            var attempt = new DeliveryAttempt(_engine.Time.GetUtcNow(), "direct", "mx.remote.test", "127.0.0.10", 250, "250 2.0.0 Ok", null, TimeSpan.Zero);
            await _engine.Recorder.RecordAsync(work.Message, work.Recipients.Select(r => new AttemptResult(r, AttemptKind.Delivered, attempt)).ToList());
        }
        return (message!, text!);
    }

    static string Headers(string spoolText) => spoolText[..spoolText.IndexOf("\r\n\r\n", StringComparison.Ordinal)].Replace("\r\n", "\n", StringComparison.Ordinal);

    static string Without(string headers, params string[] names) =>
        string.Join('\n', Unfolded(headers).Where(h => !names.Any(n => h.StartsWith(n + ":", StringComparison.OrdinalIgnoreCase))));

    static IEnumerable<string> Unfolded(string headers)
    {
        var current = new StringBuilder();
        foreach (var line in headers.Split('\n'))
        {
            if (line.StartsWith(' ') || line.StartsWith('\t'))
            {
                current.Append('\n').Append(line);
                continue;
            }
            if (current.Length > 0)
                yield return current.ToString();
            current.Clear().Append(line);
        }
        if (current.Length > 0)
            yield return current.ToString();
    }

    Task<Complaint> ReadAsync(string report) =>
        _engine.Complaints.ReadAsync(new MemoryStream(ReportSamples.Bytes(report)), new ReportOrigin(ReportOrigin.Api, By: "op@example.com"));

    [Fact]
    public async Task The_queue_id_is_tried_first_and_the_complaint_suppresses_records_an_event_and_counts()
    {
        var a = await SentAsync(["bob@remote.test"], "same-thread@example.com");
        var b = await SentAsync(["bob@remote.test"], "other@example.com");
        // The original as the receiver has it: A's queue id, but B's Message-ID (a receiver that rewrote it would look like this too).
        var original = Headers(a.Text).Replace("Message-ID: <same-thread@example.com>", "Message-ID: <other@example.com>", StringComparison.Ordinal);

        var complaint = await ReadAsync(ReportSamples.Arf("abuse", original, rcptTo: "bob@remote.test"));

        Assert.Equal(ComplaintStatuses.Matched, complaint.Status);
        Assert.Equal(MatchMethods.QueueId, complaint.MatchedBy);
        Assert.Equal(a.Message.Id, complaint.MessageId);
        Assert.NotEqual(b.Message.Id, complaint.MessageId);
        Assert.Equal("bob@remote.test", complaint.Complainer);
        Assert.Equal(("alice@example.com", "example.com"), (complaint.Sender, complaint.SenderDomain));
        Assert.Equal($"Matched to {a.Message.Id} by its queue id (X-Outpost-Id); the complainer <bob@remote.test> is one of its recipients. " +
            "<bob@remote.test> is suppressed for example.com, and the complaint counts against alice@example.com.", complaint.Explanation);

        var refusal = await _engine.Suppressions.RefusalAsync("example.com", "bob@remote.test");
        Assert.Equal("550 5.1.1 <bob@remote.test> is suppressed since 2026-11-27: the recipient reported a message as spam or abuse on 2026-11-27", refusal!.ToString());
        var entry = Assert.Single(await _engine.Suppressions.ListAsync("example.com", null, 10));
        Assert.Equal((Engine.Suppression.SuppressionSources.Complaint, a.Message.Id), (entry.Source, entry.MessageId));

        var events = await _engine.Log.EventsAsync(new EventQuery(MessageId: a.Message.Id, Type: LifecycleEvents.Complaint));
        var complaintEvent = Assert.Single(events);
        Assert.Equal("bob@remote.test", complaintEvent.Recipient);
        Assert.Equal(complaint.RecipientId, complaintEvent.RecipientId);
        Assert.Equal((RecipientStatus.Delivered, RecipientStatus.Delivered), (complaintEvent.From, complaintEvent.To));
        Assert.Contains("reported the message as abuse", complaintEvent.Reason);
        Assert.Empty(await _engine.Log.EventsAsync(new EventQuery(MessageId: b.Message.Id, Type: LifecycleEvents.Complaint)));

        Assert.Equal(1, await _engine.PolicyStore.CountViolationsAsync("alice@example.com", null, _engine.Time.GetUtcNow().AddDays(-1)));
    }

    [Fact]
    public async Task Without_a_queue_id_the_message_id_matches()
    {
        var a = await SentAsync(["bob@remote.test"], "thread-42@example.com");
        await SentAsync(["bob@remote.test"], "thread-43@example.com");
        var original = Without(Headers(a.Text), "X-Outpost-Id", "Received");

        var complaint = await ReadAsync(ReportSamples.Arf("abuse", original, originalType: "text/rfc822-headers"));

        Assert.Equal((ComplaintStatuses.Matched, MatchMethods.MessageId, a.Message.Id), (complaint.Status, complaint.MatchedBy, complaint.MessageId));
        Assert.Equal("bob@remote.test", complaint.Complainer);
    }

    [Fact]
    public async Task A_message_id_outpost_added_is_recorded_and_matches_too()
    {
        var a = await SentAsync(["bob@remote.test"]);
        var added = Unfolded(Headers(a.Text)).Single(h => h.StartsWith("Message-ID:", StringComparison.Ordinal));
        Assert.Contains($"<{a.Message.Id}.", added);
        Assert.Equal([a.Message.Id], await _engine.ComplaintStore.MessagesWithHeaderIdAsync(added["Message-ID: <".Length..^1], 5));

        var complaint = await ReadAsync(ReportSamples.Arf("abuse", Without(Headers(a.Text), "X-Outpost-Id", "Received")));
        Assert.Equal((MatchMethods.MessageId, a.Message.Id), (complaint.MatchedBy, complaint.MessageId));
    }

    [Fact]
    public async Task Without_either_the_sender_recipient_and_date_match_the_nearest_message()
    {
        await SentAsync(["carol@remote.test"]);
        _engine.Time.Advance(TimeSpan.FromHours(5));
        var near = await SentAsync(["carol@remote.test"]);
        var arrival = _engine.Time.GetUtcNow().AddMinutes(1);
        _engine.Time.Advance(TimeSpan.FromHours(5));

        var complaint = await ReadAsync(ReportSamples.Arf("abuse", "From: alice@example.com\nSubject: Minutes of Tuesday", rcptTo: "carol@remote.test",
            mailFrom: "alice@example.com", arrival: arrival));

        Assert.Equal((ComplaintStatuses.Matched, MatchMethods.SenderRecipientDate, near.Message.Id), (complaint.Status, complaint.MatchedBy, complaint.MessageId));
        Assert.Equal("carol@remote.test", complaint.Complainer);
    }

    [Fact]
    public async Task Redacted_addresses_match_by_the_message_alone_and_say_so()
    {
        var single = await SentAsync(["dave@remote.test", "alice@example.com"]);
        var complaint = await ReadAsync(ReportSamples.Arf("abuse", Headers(single.Text).Replace("To: dave@remote.test, alice@example.com", "To: xxxxxxxx@remote.test", StringComparison.Ordinal),
            rcptTo: "xxxxxxxx@remote.test"));
        Assert.Equal(ComplaintStatuses.Matched, complaint.Status);
        Assert.Equal("dave@remote.test", complaint.Complainer);
        Assert.Contains("the report's addresses are redacted, so the complainer is taken to be its only recipient at remote.test, <dave@remote.test>", complaint.Explanation);
        Assert.NotNull(await _engine.Suppressions.RefusalAsync("example.com", "dave@remote.test"));

        var two = await SentAsync(["erin@remote.test", "frank@remote.test"]);
        var ambiguous = await ReadAsync(ReportSamples.Arf("abuse", Without(Headers(two.Text), "To"), rcptTo: "redacted@remote.test"));
        Assert.Equal(ComplaintStatuses.Matched, ambiguous.Status);
        Assert.Null(ambiguous.Complainer);
        Assert.Contains("it went to 2 recipients at remote.test, so nobody is suppressed. The complaint counts against alice@example.com.", ambiguous.Explanation);
        Assert.Null(await _engine.Suppressions.RefusalAsync("example.com", "erin@remote.test"));
        Assert.Null(await _engine.Suppressions.RefusalAsync("example.com", "frank@remote.test"));
        Assert.Equal(2, await _engine.PolicyStore.CountViolationsAsync("alice@example.com", null, _engine.Time.GetUtcNow().AddDays(-1)));
    }

    [Fact]
    public async Task Someone_who_was_not_a_recipient_is_never_suppressed()
    {
        var sent = await SentAsync(["gina@remote.test"]);
        var complaint = await ReadAsync(ReportSamples.Arf("abuse", Without(Headers(sent.Text), "To"), rcptTo: "mallory@remote.test"));
        Assert.Equal(ComplaintStatuses.Matched, complaint.Status);
        Assert.Null(complaint.Complainer);
        Assert.Contains("but <mallory@remote.test> is not one of its recipients, so nobody is suppressed", complaint.Explanation);
        Assert.Empty(await _engine.Suppressions.ListAsync(null, null, 10));
    }

    [Fact]
    public async Task A_report_naming_nobody_of_its_message_counts_once_however_often_it_comes()
    {
        var sent = await SentAsync(["ivan@remote.test"]);
        var report = ReportSamples.Arf("abuse", Without(Headers(sent.Text), "To"), rcptTo: "mallory@remote.test");
        var first = await ReadAsync(report);
        var again = await ReadAsync(report);
        var third = await ReadAsync(report);
        Assert.Equal((ComplaintStatuses.Matched, ComplaintStatuses.Duplicate, ComplaintStatuses.Duplicate), (first.Status, again.Status, third.Status));
        Assert.Equal(1, await _engine.PolicyStore.CountViolationsAsync("alice@example.com", null, _engine.Time.GetUtcNow().AddDays(-1)));
    }

    [Fact]
    public async Task The_same_complaint_twice_changes_nothing_twice()
    {
        var sent = await SentAsync(["hank@remote.test"]);
        var report = ReportSamples.Arf("abuse", Headers(sent.Text), rcptTo: "hank@remote.test");
        var first = await ReadAsync(report);
        var second = await ReadAsync(report);
        Assert.Equal(ComplaintStatuses.Matched, first.Status);
        Assert.Equal(ComplaintStatuses.Duplicate, second.Status);
        Assert.Contains($"The same complaint was read before (complaint {first.Id} of 2026-11-27)", second.Explanation);
        Assert.Equal(1, await _engine.PolicyStore.CountViolationsAsync("alice@example.com", null, _engine.Time.GetUtcNow().AddDays(-1)));
        Assert.Single(await _engine.Log.EventsAsync(new EventQuery(MessageId: sent.Message.Id, Type: LifecycleEvents.Complaint)));
        Assert.Equal(2, (await _engine.ComplaintQueries.ListAsync(new ComplaintQuery())).Count);
    }

    [Fact]
    public async Task A_report_that_matches_nothing_or_cannot_be_read_is_kept_with_the_sentence_why()
    {
        var unknown = ReportSamples.Arf("abuse", "X-Outpost-Id: 01KBZ8Q6XJ0000ZZ\nMessage-ID: <nobody@example.com>\nSubject: ?");
        var unmatched = await ReadAsync(unknown);
        Assert.Equal(ComplaintStatuses.Unmatched, unmatched.Status);
        Assert.Equal("Could not be matched: no message sent through Outpost has the queue id 01KBZ8Q6XJ0000ZZ; none has the Message-ID <nobody@example.com>.",
            unmatched.Explanation);
        Assert.Equal(ReportSamples.Bytes(unknown), await _engine.ComplaintQueries.RawAsync(unmatched.Id));
        Assert.Null(unmatched.SenderDomain);

        var unreadable = await ReadAsync(ReportSamples.JustText);
        Assert.Equal((ComplaintStatuses.Unmatched, ReportKinds.Unknown), (unreadable.Status, unreadable.Kind));
        Assert.Contains("neither a feedback report (RFC 5965) nor a forwarded message", unreadable.Explanation);
        Assert.Equal("someone@remote.test", unreadable.Reporter);

        var listed = await _engine.ComplaintQueries.ListAsync(new ComplaintQuery(Status: ComplaintStatuses.Unmatched));
        Assert.Equal([unreadable.Id, unmatched.Id], listed.Select(c => c.Id));
        Assert.Empty(await _engine.ComplaintQueries.ListAsync(new ComplaintQuery(Domain: "example.com")));
        Assert.Equal(0, await _engine.PolicyStore.CountViolationsAsync(null, null, DateTimeOffset.MinValue));
    }

    [Fact]
    public async Task A_not_spam_report_is_matched_but_changes_nothing()
    {
        var sent = await SentAsync(["ivy@remote.test"]);
        var complaint = await ReadAsync(ReportSamples.Arf("not-spam", Headers(sent.Text), rcptTo: "ivy@remote.test"));
        Assert.Equal((ComplaintStatuses.Ignored, sent.Message.Id), (complaint.Status, complaint.MessageId));
        Assert.Contains("changes nothing", complaint.Explanation);
        Assert.Null(await _engine.Suppressions.RefusalAsync("example.com", "ivy@remote.test"));
        Assert.Equal(0, await _engine.PolicyStore.CountViolationsAsync("alice@example.com", null, DateTimeOffset.MinValue));
    }

    [Fact]
    public async Task A_feedback_type_that_is_not_registered_counts_like_other()
    {
        var sent = await SentAsync(["olga@remote.test"]);
        var complaint = await ReadAsync(ReportSamples.Arf("spam", Headers(sent.Text), rcptTo: "olga@remote.test"));
        Assert.Equal((ComplaintStatuses.Matched, "spam"), (complaint.Status, complaint.FeedbackType));
        Assert.NotNull(await _engine.Suppressions.RefusalAsync("example.com", "olga@remote.test"));
        var auth = await ReadAsync(ReportSamples.Arf("auth-failure", Headers(sent.Text), rcptTo: "olga@remote.test"));
        Assert.Equal(ComplaintStatuses.Ignored, auth.Status);
        Assert.Contains("A report of type auth-failure is not a complaint, so it changes nothing.", auth.Explanation);
    }

    [Fact]
    public async Task Complaints_restrict_a_sender_like_refused_messages_and_make_the_rate()
    {
        _engine.Options.Policy.ViolationsBeforeRestriction = 1;
        var sent = await SentAsync(["jack@remote.test", "kate@remote.test"]);
        await ReadAsync(ReportSamples.Arf("abuse", Headers(sent.Text), rcptTo: "jack@remote.test"));

        var refused = await _engine.Restrictions.RefusalAsync("alice@example.com", "example.com");
        Assert.NotNull(refused);
        Assert.Contains("Sending is restricted for alice@example.com: 1 or more messages were refused or reported within 7 days, the last because a recipient reported the message as spam/abuse",
            refused.ToString());

        var rate = Assert.Single(await _engine.ComplaintQueries.RatesAsync("example.com"));
        Assert.Equal((1, 2, 0.5, "bad"), (rate.Complaints, rate.Delivered, rate.Rate, rate.Level));
        Assert.StartsWith("50.000 % (1 of 2 delivered in 30 days): at or above 0.3 %", rate.Sentence());
        var none = Assert.Single(await _engine.ComplaintQueries.RatesAsync("quiet.test"));
        Assert.Equal(("none", null), (none.Level, none.Rate));
    }

    [Fact]
    public async Task A_forwarded_complaint_matches_by_sender_recipient_and_date_and_suppresses_the_forwarder()
    {
        await SentAsync(["bob@remote.test"]);
        var complaint = await ReadAsync(ReportSamples.GmailForward.Replace("Fri, Nov 27, 2026 at 10:00 AM", "Fri, Nov 27, 2026 at 10:01 AM", StringComparison.Ordinal));
        Assert.Equal((ComplaintStatuses.Matched, ReportKinds.Forwarded, MatchMethods.SenderRecipientDate), (complaint.Status, complaint.Kind, complaint.MatchedBy));
        Assert.Equal("bob@remote.test", complaint.Complainer);
        Assert.Equal("I never asked for this, please make it stop.", complaint.Comment);
        Assert.Equal("550 5.1.1 <bob@remote.test> is suppressed since 2026-11-27: the recipient reported a message as spam or abuse on 2026-11-27",
            (await _engine.Suppressions.RefusalAsync("example.com", "bob@remote.test"))!.ToString());
    }

    [Fact]
    public async Task A_report_over_the_size_limit_is_kept_in_part_and_says_so()
    {
        _engine.Options.Complaints.MaxReportSize = 16 * 1024;
        var sent = await SentAsync(["lena@remote.test"]);
        var report = ReportSamples.Arf("abuse", Headers(sent.Text), rcptTo: "lena@remote.test").Replace("The body.\n", new string('z', 70) + "\n" + string.Concat(Enumerable.Repeat(new string('z', 70) + "\n", 1500)), StringComparison.Ordinal);
        var complaint = await ReadAsync(report);
        Assert.True(complaint.RawTruncated);
        Assert.Equal(ReportSamples.Bytes(report).Length, complaint.RawSize);
        Assert.Equal(16 * 1024, (await _engine.ComplaintQueries.RawAsync(complaint.Id))!.Length);
        // The fields and the original's headers come first, so a report cut short is still matched.
        Assert.Equal((ComplaintStatuses.Matched, sent.Message.Id), (complaint.Status, complaint.MessageId));
    }

    [Fact]
    public async Task A_report_arriving_on_the_feedback_listener_is_read_by_local_delivery_instead_of_a_mailbox()
    {
        var sent = await SentAsync(["mike@remote.test"]);
        var backend = _engine.Backend;
        var session = Session(null, ListenerMode.Feedback);
        Assert.Equal(250, (await backend.CheckSenderAsync(session, Path(""), CancellationToken.None)).Code);
        var other = await backend.CheckRecipientAsync(session, Path(""), Path("alice@example.com"), CancellationToken.None);
        Assert.Equal("550 5.7.1 This server accepts mail only for its feedback addresses", other.ToString());
        Assert.Equal(250, (await backend.CheckRecipientAsync(session, Path(""), Path("FBL@outpost.test"), CancellationToken.None)).Code);
        // On submission too a feedback address needs no mailbox: a user may forward a complaint to it.
        Assert.Equal(250, (await backend.CheckRecipientAsync(Session("alice@example.com"), Path("alice@example.com"), Path("fbl@outpost.test"), CancellationToken.None)).Code);

        var sink = backend.OpenMessage(session, Path(""), [Path("fbl@outpost.test")]);
        await using (sink)
        {
            foreach (var line in ReportSamples.Arf("abuse", Headers(sent.Text), rcptTo: "mike@remote.test").Split('\n').SkipLast(1))
                sink.WriteLine(Encoding.UTF8.GetBytes(line));
            Assert.Equal(250, (await sink.CommitAsync(CancellationToken.None)).Code);
        }
        Assert.True(_engine.Dispatcher.Work.TryDequeue(out var work));
        var recipient = Assert.Single(work.Recipients);
        Assert.Equal(Route.Local, recipient.Route);
        Assert.Equal("feedback", work.Message.Source);

        // Read twice (a delivery tried again after a crash): one complaint.
        var first = await _engine.Complaints.ReadSpooledAsync(work.Message, recipient);
        var again = await _engine.Complaints.ReadSpooledAsync(work.Message, recipient);
        Assert.Equal(first.Id, again.Id);
        Assert.Equal((ComplaintStatuses.Matched, work.Message.Id, "fbl@outpost.test"), (first.Status, first.ReportId, first.ReportAddress));

        // Through the local delivery queue: delivered as read, nothing written to a Maildir.
        var maildir = new MaildirWriter(_engine.Dir.Path);
        await using (var local = new LocalDeliveryQueue(1, _engine.Accounts, maildir, _engine.Bodies, _engine.Recorder, _engine.Feedback, _engine.Complaints, _engine.Time,
            NullLogger<LocalDeliveryQueue>.Instance))
        {
            local.Enqueue(work);
            for (var i = 0; i < 200 && (await _engine.Log.GetReportAsync(work.Message.Id))!.Recipients[0].Status != RecipientStatus.Delivered; i++)
                await Task.Delay(50);
        }
        var delivered = (await _engine.Log.GetReportAsync(work.Message.Id))!;
        Assert.Equal(RecipientStatus.Delivered, delivered.Recipients[0].Status);
        Assert.Equal($"250 2.0.0 Read as complaint {first.Id} (matched)", delivered.Recipients[0].LastReply);
        Assert.False(Directory.Exists(maildir.MaildirOf("fbl@outpost.test")));
        Assert.Single(await _engine.ComplaintQueries.ListAsync(new ComplaintQuery()));
    }

    [Fact]
    public async Task Every_accepted_message_carries_its_queue_id_in_x_outpost_id()
    {
        var sent = await SentAsync(["nina@remote.test"], "given@example.com");
        var headers = Unfolded(Headers(sent.Text)).ToList();
        Assert.StartsWith("Received: ", headers[0]);
        Assert.Equal($"X-Outpost-Id: {sent.Message.Id}", headers[1]);
        Assert.Equal([sent.Message.Id], await _engine.ComplaintStore.MessagesWithHeaderIdAsync("given@example.com", 5));
    }
}
