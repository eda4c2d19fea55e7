using Outpost.Engine.Queue;

namespace Outpost.Engine.Tests.Queue;

/// <summary>
/// The enqueue tail every new message goes through: durable first, then each destination's open work to
/// the dispatcher delivery attached, held recipients kept back; without a dispatcher the work stays queued.
/// </summary>
public sealed class MessageEnqueuerTests : IAsyncDisposable
{
    readonly EngineHarness _h = new();

    NewMessage Message(string id, ReviewHold? review = null) => new(
        new QueuedMessage(id, "alice@example.com", "s", 10, "alice@example.com", "127.0.0.1", "h", "submission", _h.Time.GetUtcNow(), _h.Spool.PathFor(id)),
        [
            new NewRecipient("bob@example.com", "example.com", Route.Local),
            new NewRecipient("carol@remote.test", "remote.test", Route.Remote),
            new NewRecipient("dave@remote.test", "remote.test", Route.Remote),
            new NewRecipient("erin@other.test", "other.test", Route.Remote),
        ],
        review);

    [Fact]
    public async Task Committed_work_goes_to_delivery_one_piece_per_destination()
    {
        var enqueuer = new MessageEnqueuer(_h.Committer);
        var dispatched = new EngineHarness.CapturingDispatcher();
        enqueuer.Attach(dispatched);

        var queued = await enqueuer.EnqueueAsync(Message("01AAAAAAAAAAAAA1"));

        Assert.Equal(4, queued.Count);
        Assert.Equal(4, (await _h.Queue.ListOpenAsync(100)).Count(r => r.MessageId == "01AAAAAAAAAAAAA1"));
        Assert.Equal(["bob@example.com", "carol@remote.test dave@remote.test", "erin@other.test"],
            dispatched.Work.Select(w => string.Join(' ', w.Recipients.Select(r => r.Address))).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Held_recipients_wait_for_their_review()
    {
        var enqueuer = new MessageEnqueuer(_h.Committer);
        var dispatched = new EngineHarness.CapturingDispatcher();
        enqueuer.Attach(dispatched);

        var queued = await enqueuer.EnqueueAsync(Message("01AAAAAAAAAAAAA2", new ReviewHold("marketing", 0.7, "offer", "test")));

        Assert.Equal(3, queued.Count(r => r.Status == RecipientStatus.Held));
        Assert.Equal("bob@example.com", Assert.Single(Assert.Single(dispatched.Work).Recipients).Address);
    }

    [Fact]
    public async Task Without_a_dispatcher_the_work_is_committed_and_waits()
    {
        var enqueuer = new MessageEnqueuer(_h.Committer);

        var queued = await enqueuer.EnqueueAsync(Message("01AAAAAAAAAAAAA3"));

        Assert.All(queued, r => Assert.Equal(RecipientStatus.Queued, r.Status));
        Assert.Equal(4, (await _h.Queue.ListOpenAsync(100)).Count(r => r.MessageId == "01AAAAAAAAAAAAA3"));
    }

    [Fact]
    public void Only_one_dispatcher_can_attach()
    {
        var enqueuer = new MessageEnqueuer(_h.Committer);
        enqueuer.Attach(new EngineHarness.CapturingDispatcher());

        Assert.Throws<InvalidOperationException>(() => enqueuer.Attach(new EngineHarness.CapturingDispatcher()));
    }

    public ValueTask DisposeAsync() => _h.DisposeAsync();
}
