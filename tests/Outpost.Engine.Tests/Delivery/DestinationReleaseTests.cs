using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using Outpost.Engine.Delivery;
using Outpost.Engine.Queue;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Delivery;

/// <summary>
/// The release after a probe got through, and the race it had: a delivery that found the circuit open
/// just before the probe's success, and whose deferral is stored only after the release read the queue.
/// Real queue and recorder over SQLite, the clock faked, the interleaving written out step by step.
/// </summary>
public sealed class DestinationReleaseTests : IAsyncLifetime
{
    const string Destination = "remote.test";
    readonly EngineHarness _engine = new();
    DestinationRelease _release = null!;

    public async Task InitializeAsync()
    {
        await _engine.SeedAsync();
        _release = new DestinationRelease(_engine.Queue, new SqliteAuditStore(_engine.Db), _engine.Time, NullLogger<DestinationRelease>.Instance);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    /// <summary>A message queued and under its delivery's lease, as a delivery run holds it.</summary>
    async Task<DeliveryWork> InDeliveryAsync(string recipient)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("alice@example.com"));
        message.To.Add(MailboxAddress.Parse(recipient));
        message.Subject = "backlog";
        message.Body = new TextPart("plain") { Text = "hello" };
        await _engine.Injector.InjectAsync(message, "alice@example.com", recipient, "test");
        Assert.True(_engine.Dispatcher.Work.TryDequeue(out var work));
        return work;
    }

    Task DeferAsCoolingDownAsync(DeliveryWork work) =>
        _engine.Recorder.RecordAsync(work.Message, [new AttemptResult(work.Recipients[0], AttemptKind.Temporary,
            new DeliveryAttempt(_engine.Time.GetUtcNow(), null, null, null, FailureClassifier.CoolingDown.Code, FailureClassifier.CoolingDown.Reply, null, TimeSpan.Zero))]);

    async Task<DateTimeOffset?> NextTryAsync(DeliveryWork work) =>
        (await _engine.Log.GetReportAsync(work.Message.Id))!.Recipients.Single().NextAttemptAt;

    [Fact]
    public async Task A_deferral_stored_just_after_the_release_read_the_queue_is_released_by_its_delivery()
    {
        var late = await InDeliveryAsync($"late@{Destination}");
        var early = await InDeliveryAsync($"early@{Destination}");

        // One delivery found every channel cooling down and stored its deferral before the probe got through.
        await DeferAsCoolingDownAsync(early);
        // The other delivery notes the generation, then finds every channel cooling down too...
        var generation = _release.Generation(Destination);
        _engine.Time.Advance(TimeSpan.FromMilliseconds(50));
        // ...the probe gets through and the release reads the queue while that delivery still holds its lease...
        Assert.Equal(1, await _release.ReleaseAsync(Destination, "direct", CancellationToken.None));
        Assert.Equal(_engine.Time.GetUtcNow(), await NextTryAsync(early));
        // ...and only then is its deferral stored, with the schedule's 5 minutes: the race.
        await DeferAsCoolingDownAsync(late);
        Assert.Equal(_engine.Time.GetUtcNow() + TimeSpan.FromMinutes(5), await NextTryAsync(late));

        // The delivery catches up once its deferral is stored: the recipient is due now, not in 5 minutes.
        Assert.Equal(1, await _release.CatchUpAsync(Destination, late.Message.Id, generation, CancellationToken.None));
        Assert.Equal(_engine.Time.GetUtcNow(), await NextTryAsync(late));
        var report = await _engine.Log.GetReportAsync(late.Message.Id);
        Assert.Equal(RecipientStatus.Deferred, report!.Recipients.Single().Status); // only the time moved
    }

    [Fact]
    public async Task A_deferral_decided_after_the_release_began_keeps_its_schedule()
    {
        var work = await InDeliveryAsync($"bob@{Destination}");
        await _release.ReleaseAsync(Destination, "direct", CancellationToken.None);
        // This delivery looked at the circuits after the release began: its deferral is its own verdict.
        var generation = _release.Generation(Destination);
        await DeferAsCoolingDownAsync(work);
        Assert.Equal(0, await _release.CatchUpAsync(Destination, work.Message.Id, generation, CancellationToken.None));
        Assert.Equal(_engine.Time.GetUtcNow() + TimeSpan.FromMinutes(5), await NextTryAsync(work));
    }

    [Fact]
    public async Task A_release_of_another_destination_does_not_move_this_one()
    {
        var work = await InDeliveryAsync($"bob@{Destination}");
        var generation = _release.Generation(Destination);
        await _release.ReleaseAsync("elsewhere.test", "direct", CancellationToken.None);
        await DeferAsCoolingDownAsync(work);
        Assert.Equal(0, await _release.CatchUpAsync(Destination, work.Message.Id, generation, CancellationToken.None));
        Assert.Equal(_engine.Time.GetUtcNow() + TimeSpan.FromMinutes(5), await NextTryAsync(work));
    }
}
