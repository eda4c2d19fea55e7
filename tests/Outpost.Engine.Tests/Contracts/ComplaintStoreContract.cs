using System.Data.Common;
using System.Text;
using Outpost.Engine.Complaints;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;
using Outpost.Engine.Suppression;
using Entry = Outpost.Engine.Suppression.Suppression;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>
/// What every complaint store must do, through <see cref="IComplaintStore"/> (and the stores it writes
/// into) alone: a complaint kept whole with its raw report, found by report and by recipient; its effects
/// (suppression, outbox event, violation) in its own transaction; a report recorded once; the messages a
/// report may name; the complaint rate's two counts.
/// </summary>
public abstract class ComplaintStoreContract : StoreContract
{
    IComplaintStore Store => Stores.Complaints;

    Complaint Make(string status, string? reportId, string? messageId = null, long? recipientId = null) => new()
    {
        ReceivedAt = Now, Status = status, Explanation = "matched by Message-ID", Kind = "arf", FeedbackType = "abuse", Via = "feedback@outpost.test",
        ReportId = reportId, ReportAddress = reportId is null ? null : "fbl@isp.test", Reporter = "isp.test", ArrivalDate = Now - TimeSpan.FromHours(1),
        SourceIp = "127.0.0.9", OriginalMailFrom = "al@a.example", OriginalRcptTo = "x@remote.test", MatchedBy = "message-id", MessageId = messageId,
        RecipientId = recipientId, Complainer = "x@remote.test", Sender = "al@a.example", SenderDomain = "a.example", Subject = "Hello", RawSize = 5, RawTruncated = true,
    };

    async Task<IReadOnlyList<QueuedRecipient>> SendAsync(string id, string header, TimeSpan ago, params string[] recipients)
    {
        var message = new QueuedMessage(id, "al@a.example", "Hello", 10, "al@a.example", "127.0.0.1", "h", "submission", Now - ago, "/spool/" + id)
        {
            HeaderMessageId = header,
        };
        return (await Stores.Queue.EnqueueAsync([new NewMessage(message, recipients.Select(r => new NewRecipient(r, r[(r.IndexOf('@') + 1)..], Route.Remote)).ToList())],
            Now))[0];
    }

    [Fact]
    public async Task A_complaint_is_kept_whole_with_its_raw_report_and_recorded_once_per_report()
    {
        var raw = Encoding.ASCII.GetBytes("From:");
        var kept = await Store.RecordAsync(Make("unmatched", "report-1"), raw, null);
        Assert.True(kept.Id > 0);
        Assert.Equal(kept, await Store.GetAsync(kept.Id));
        Assert.Equal(kept, await Store.FindByReportAsync("report-1", "fbl@isp.test"));
        Assert.Null(await Store.FindByReportAsync("report-1", "other@isp.test"));
        Assert.Equal(raw, await Store.RawAsync(kept.Id));
        Assert.Null(await Store.RawAsync(kept.Id + 100));

        await Assert.ThrowsAnyAsync<DbException>(() => Store.RecordAsync(Make("matched", "report-1"), raw, null));
        // Reports without an id are never the same report.
        await Store.RecordAsync(Make("ignored", null), raw, null);
        await Store.RecordAsync(Make("ignored", null), raw, null);
        Assert.Equal(3, (await Store.ListAsync(new ComplaintQuery())).Count);
        Assert.Equal(["ignored", "ignored"], (await Store.ListAsync(new ComplaintQuery(Status: "ignored"))).Select(c => c.Status));
        Assert.Empty(await Store.ListAsync(new ComplaintQuery(Domain: "b.example")));
        var newest = await Store.ListAsync(new ComplaintQuery(Limit: 1));
        Assert.Equal([kept.Id], (await Store.ListAsync(new ComplaintQuery(BeforeId: newest[0].Id - 1))).Select(c => c.Id));
    }

    [Fact]
    public async Task A_matched_complaint_and_its_effects_commit_together_and_are_found_by_recipient()
    {
        var recipient = (await SendAsync("M0000000000000001", "abc@a.example", TimeSpan.FromHours(2), "x@remote.test"))[0];
        await Stores.Queue.RecordOutcomesAsync([RecipientTransitions.Delivered(recipient, new DeliveryAttempt(Now, "direct", null, null, 250, "250 ok", null, TimeSpan.Zero))]);
        var delivered = recipient with { Status = RecipientStatus.Delivered, Attempts = 1 };
        var suppression = new Entry("a.example", "x@remote.test", "complained", SuppressionSources.Complaint, Now, null, "M0000000000000001", null);
        var effects = new ComplaintEffects(suppression, delivered, "complaint from isp.test", new ComplaintViolation("al@a.example", "a.example", "Hello"));

        var kept = await Store.RecordAsync(Make("matched", "report-1", "M0000000000000001", recipient.Id), [1, 2, 3], effects);

        Assert.Equal(kept, await Store.FindForRecipientAsync("M0000000000000001", recipient.Id, "matched"));
        Assert.Null(await Store.FindForRecipientAsync("M0000000000000001", null, "matched"));
        Assert.Null(await Store.FindForRecipientAsync("M0000000000000001", recipient.Id, "duplicate"));
        Assert.Equal(suppression, await Stores.Suppressions.FindAsync("a.example", "x@remote.test"));
        Assert.Equal(1, await Stores.Policy.CountViolationsAsync("al@a.example", null, Now - TimeSpan.FromMinutes(1)));
        var complaint = Assert.Single(await Stores.Log.EventsAsync(new EventQuery(MessageId: "M0000000000000001", Type: LifecycleEvents.Complaint)));
        Assert.Equal((RecipientStatus.Delivered, RecipientStatus.Delivered, "complaint from isp.test", "a.example"),
            (complaint.From!.Value, complaint.To, complaint.Reason, complaint.SenderDomain));

        // A complaint naming nobody of its message is found as one that names nobody.
        var nobody = await Store.RecordAsync(Make("matched", "report-2", "M0000000000000001"), [1], null);
        Assert.Equal(nobody.Id, (await Store.FindForRecipientAsync("M0000000000000001", null, "matched"))!.Id);
    }

    [Fact]
    public async Task Messages_are_found_by_header_id_and_by_sender_and_recipient_newest_first_and_rates_count_both_sides()
    {
        var old = await SendAsync("M0000000000000001", "same@a.example", TimeSpan.FromHours(3), "x@remote.test", "y@remote.test");
        await SendAsync("M0000000000000002", "same@a.example", TimeSpan.FromHours(1), "y@remote.test");
        await SendAsync("M0000000000000003", "other@a.example", TimeSpan.FromMinutes(1), "x@remote.test");

        Assert.Equal(["M0000000000000002", "M0000000000000001"], await Store.MessagesWithHeaderIdAsync("same@a.example", 10));
        Assert.Equal(["M0000000000000002"], await Store.MessagesWithHeaderIdAsync("same@a.example", 1));
        Assert.Empty(await Store.MessagesWithHeaderIdAsync("none@a.example", 10));

        var window = (From: Now - TimeSpan.FromHours(4), To: Now);
        Assert.Equal(["M0000000000000003", "M0000000000000001"],
            (await Store.MessagesSentAsync("al@a.example", "x@remote.test", window.From, window.To, 10)).Select(m => m.Id));
        Assert.Equal([("M0000000000000002", Now - TimeSpan.FromHours(1))],
            await Store.MessagesSentAsync("al@a.example", null, Now - TimeSpan.FromHours(2), Now - TimeSpan.FromMinutes(30), 10));

        await Stores.Queue.RecordOutcomesAsync(old.Select(r => RecipientTransitions.Delivered(r, new DeliveryAttempt(Now, "direct", null, null, 250, "250 ok", null, TimeSpan.Zero)))
            .ToList());
        await Store.RecordAsync(Make("matched", "report-1", "M0000000000000001", old[0].Id), [1], null);
        await Store.RecordAsync(Make("duplicate", "report-2", "M0000000000000001", old[0].Id), [1], null);
        Assert.Equal([("a.example", 1, 2)], await Store.RatesAsync(null, Now - TimeSpan.FromDays(1), "matched"));
        Assert.Equal([("a.example", 0, 2)], await Store.RatesAsync("a.example", Now - TimeSpan.FromDays(1), "unmatched"));
        Assert.Empty(await Store.RatesAsync("b.example", Now - TimeSpan.FromDays(1), "matched"));
    }
}
