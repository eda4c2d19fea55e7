using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Engine.Delivery;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Tests.Delivery;

/// <summary>
/// The delivery loop over the real SQLite queue on a fake clock that never reaches the poll: at start it
/// resumes this node's leases, and afterwards it claims only when woken, which is what a notice from another
/// node (<see cref="IQueueWakeups"/>) does.
/// </summary>
public sealed class DeliverySchedulerTests
{
    /// <summary>Wakes when the test says so; the poll's time never comes on the fake clock.</summary>
    sealed class ManualWakeups : IQueueWakeups
    {
        readonly SemaphoreSlim _wake = new(0);
        int _waiting;

        public int Waiting => Volatile.Read(ref _waiting);

        public void Wake() => _wake.Release();

        public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _waiting);
            await _wake.WaitAsync(cancellationToken);
            return true;
        }
    }

    NewMessage Message(EngineHarness h, string id, string recipient) => new(
        new QueuedMessage(id, "alice@example.com", "s", 10, "alice@example.com", "127.0.0.1", "h", "submission", h.Time.GetUtcNow(), "/spool/" + id),
        [new NewRecipient(recipient, recipient[(recipient.IndexOf('@') + 1)..], Route.Remote)]);

    static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        for (var i = 0; i < 200 && !condition(); i++)
            await Task.Delay(25);
        Assert.True(condition(), what);
    }

    [Fact]
    public async Task It_resumes_this_nodes_leases_at_start_and_then_claims_when_woken_not_before()
    {
        await using var h = new EngineHarness();
        var rules = new LeaseRules(TimeSpan.FromSeconds(60));
        // In flight when the node stopped: leased to it for another minute.
        await h.Queue.EnqueueAsync([Message(h, "0000000000SCHED1", "a@x.test")], rules.Until(h.Time.GetUtcNow()));
        var wakeups = new ManualWakeups();
        using var scheduler = new DeliveryScheduler(h.Queue, h.Dispatcher, wakeups, rules, new NodeIdentity("node-a"), h.Options, h.Time,
            NullLogger<DeliveryScheduler>.Instance);

        await scheduler.StartAsync(CancellationToken.None);
        try
        {
            await WaitUntilAsync(() => wakeups.Waiting == 1, "the loop did not go idle after its first claim");
            Assert.Equal(["a@x.test"], h.Dispatcher.Work.SelectMany(w => w.Recipients).Select(r => r.Address));

            // Work another node let go of: due now, unleased. The idle loop leaves it until it is woken.
            await h.Queue.EnqueueAsync([Message(h, "0000000000SCHED2", "b@y.test")], h.Time.GetUtcNow() - TimeSpan.FromSeconds(1));
            await Task.Delay(300);
            Assert.Single(h.Dispatcher.Work);

            wakeups.Wake();
            await WaitUntilAsync(() => h.Dispatcher.Work.Count == 2, "the woken loop did not claim the waiting work");
            Assert.Equal("b@y.test", h.Dispatcher.Work.Last().Recipients.Single().Address);
            Assert.Equal(RecipientStatus.Delivering, h.Dispatcher.Work.Last().Recipients.Single().Status);
        }
        finally
        {
            await scheduler.StopAsync(CancellationToken.None);
        }
    }
}
