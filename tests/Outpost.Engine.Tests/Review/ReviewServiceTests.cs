using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Engine.Bounces;
using Outpost.Engine.Queue;
using Outpost.Engine.Review;
using Outpost.Engine.Spool;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Review;

/// <summary>The review queue over a real SQLite store: held at enqueue, released once, refused with a bounce, a violation and a labelled copy.</summary>
public sealed class ReviewServiceTests
{
    static async Task<string> HeldAsync(EngineHarness h, params NewRecipient[] recipients)
    {
        var id = QueueId.New(h.Time.GetUtcNow());
        var body = Encoding.ASCII.GetBytes("From: alice@example.com\r\nTo: x@remote.test\r\nSubject: Offer\r\n\r\nOur spring offer.\r\n");
        await using (var file = h.Spool.Create(id))
            await file.WriteAsync(body);
        var message = new QueuedMessage(id, "alice@example.com", "Offer", body.Length, "alice@example.com", "127.0.0.1", "client", "submission", h.Time.GetUtcNow(), h.Spool.PathFor(id));
        var queued = await h.Committer.CommitAsync(new NewMessage(message, recipients, new ReviewHold("marketing", 0.7, "a List-Unsubscribe header", "test-model")));
        Assert.All(queued, r => Assert.Equal(r.Route == Route.Remote ? RecipientStatus.Held : RecipientStatus.Queued, r.Status));
        return id;
    }

    static ReviewService Service(EngineHarness h) => new(new SqliteReviewStore(h.Db), h.Queue, h.Bodies,
        new BounceService(h.Options, h.Bodies, h.Injector, h.Time, NullLogger<BounceService>.Instance), h.Restrictions, h.Options, h.Time, NullLogger<ReviewService>.Instance);

    static string Corpus(EngineHarness h, string label, string id) => Path.Combine(h.Dir.Path, "policy", "corpus", label, id + ".eml");

    [Fact]
    public async Task A_release_makes_the_held_recipients_due_once_and_labels_the_message_business()
    {
        await using var h = new EngineHarness();
        await h.SeedAsync();
        var id = await HeldAsync(h, new NewRecipient("x@remote.test", "remote.test", Route.Remote), new NewRecipient("alice@example.com", "example.com", Route.Local));
        var service = Service(h);
        Assert.Equal(id, Assert.Single(await service.ListAsync()).MessageId);

        var (done, sentence) = await service.ReleaseAsync(id.ToLowerInvariant(), "anna");
        Assert.True(done, sentence);
        Assert.Equal($"{id} is released: its 1 external recipient(s) will be tried now.", sentence);
        Assert.True(File.Exists(Corpus(h, "business", id)));
        Assert.Empty(await service.ListAsync());
        Assert.Contains(await h.Queue.ListOpenAsync(10), r => r.MessageId == id && r.Route == Route.Remote && r.Status == RecipientStatus.Queued);

        var again = await service.ReleaseAsync(id, "ben");
        Assert.False(again.Done);
        Assert.Equal($"{id} was already released by anna.", again.Sentence);
        Assert.Equal((false, "That is not a queue id; queue ids are letters and digits, as the review list shows them."), await service.RefuseAsync("../x", "ben"));
    }

    [Fact]
    public async Task A_refusal_bounces_to_the_sender_counts_a_violation_and_labels_the_message()
    {
        await using var h = new EngineHarness();
        await h.SeedAsync();
        var id = await HeldAsync(h, new NewRecipient("x@remote.test", "remote.test", Route.Remote));
        var spool = h.Spool.PathFor(id);

        var (done, sentence) = await Service(h).RefuseAsync(id, "anna", "a campaign");
        Assert.True(done, sentence);
        Assert.Equal($"{id} is refused as marketing: the sender gets a bounce saying why, and it counts as a violation.", sentence);
        Assert.True(File.Exists(Corpus(h, "marketing", id)));
        Assert.False(File.Exists(spool)); // nothing of the message is left open
        Assert.Equal(1, await h.PolicyStore.CountViolationsAsync("alice@example.com", null, h.Time.GetUtcNow().AddDays(-1)));
        // The bounce is queued for the sender's own mailbox.
        Assert.Contains(h.Dispatcher.Work, w => w.Recipients.Any(r => r.Address == "alice@example.com"));
        var report = await h.Log.GetReportAsync(id);
        Assert.Equal(RecipientStatus.Bounced, Assert.Single(report!.Recipients).Status);
        Assert.Contains("refused after review by anna", Assert.Single(report.Attempts).Attempt.Reply);
    }
}
