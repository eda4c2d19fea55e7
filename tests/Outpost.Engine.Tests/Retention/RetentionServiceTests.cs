using Outpost.Engine.Policy;
using Outpost.Engine.Queue;
using Outpost.Engine.Retention;
using Outpost.Engine.SendLog;

namespace Outpost.Engine.Tests.Retention;

/// <summary>The purge as <c>outpost purge</c> and the server run it: every kind, dry runs, periods of 0.</summary>
public sealed class RetentionServiceTests : IDisposable
{
    readonly RetentionWorld _w = new();

    /// <summary>History of every kind, 100 days old, and a little of it young.</summary>
    async Task<string> MakeHistoryAsync()
    {
        var old = await _w.QueueAsync("a@remote.test", "b@remote.test");
        await _w.OutcomeAsync(RecipientStatus.Delivered, old[0], old[1]);
        await _w.Log.RecordRefusalAsync(new Refusal(_w.Now, "s1", "127.0.0.1", null, "x@example.com", null, "rcpt", 550, "550 5.7.1 no"));
        await _w.Policy.AddViolationAsync(_w.Now, "alice@example.com", "example.com", ContentClass.Marketing, "Sale");
        await _w.Channels.SaveHealthAsync(new Outpost.Engine.Routing.Channels.ChannelHealth("eu-1", "remote.test", 1, "421 busy", null, _w.Now));
        _w.Time.Advance(TimeSpan.FromDays(100));
        var young = await _w.QueueAsync("c@remote.test");
        await _w.OutcomeAsync(RecipientStatus.Delivered, young[0]);
        return old[0].MessageId;
    }

    [Fact]
    public async Task A_dry_run_counts_what_the_real_run_then_removes_and_removes_nothing()
    {
        var old = await MakeHistoryAsync();
        var service = _w.Service();
        var tables = new[] { "messages", "recipients", "attempts", "refusals", "violations", "channel_health" };
        var rowsBefore = tables.Select(_w.Rows).ToArray();

        var dry = await service.RunAsync(dryRun: true);
        Assert.True(dry.DryRun);
        Assert.Equal(tables.Select(_w.Rows).ToArray(), rowsBefore);
        Assert.True(_w.Exists(old));

        var real = await service.RunAsync(dryRun: false);
        Assert.Equal(dry.Kinds.Select(k => (k.Kind, k.Count)), real.Kinds.Select(k => (k.Kind, k.Count)));
        Assert.Equal(1, real.Count(PurgeKinds.Messages));
        Assert.Equal(2, real.Count(PurgeKinds.Recipients));
        Assert.Equal(2, real.Count(PurgeKinds.Attempts));
        Assert.Equal(1, real.Count(PurgeKinds.Refusals));
        Assert.Equal(1, real.Count(PurgeKinds.Violations));
        Assert.Equal(1, real.Count(PurgeKinds.ChannelHealth));
        // The old message's spool file is an orphan too (the test never removed it on delivery).
        Assert.Equal(1, real.Count(PurgeKinds.SpoolFiles));
        Assert.False(_w.Exists(old));
        Assert.Equal(1, _w.Rows("messages"));
        // The old message's two recipients were queued and then got their outcome: four events, a month old.
        Assert.Equal(4, real.Count(PurgeKinds.Events));
        Assert.Equal("1 messages, 2 recipients, 2 attempts, 1 refusals, 1 violations, 1 channel-health, 4 events, 1 spool-files", real.Summary());

        Assert.Equal(0, (await service.RunAsync(dryRun: false)).Total);
    }

    [Fact]
    public async Task Many_rows_go_in_many_small_batches()
    {
        _w.Options.BatchSize = 7;
        for (var i = 0; i < 10; i++)
            await _w.OutcomeAsync(RecipientStatus.Bounced, (await _w.QueueAsync($"r{i}@remote.test"))[0]);
        await _w.AddRefusalsAsync(50, _w.Now);
        _w.Time.Advance(TimeSpan.FromDays(100));

        var report = await _w.Service().RunAsync(dryRun: false);
        Assert.Equal(10, report.Count(PurgeKinds.Messages));
        Assert.Equal(50, report.Count(PurgeKinds.Refusals));
        Assert.Equal(0, _w.Rows("messages") + _w.Rows("refusals"));
    }

    [Fact]
    public async Task A_period_of_zero_keeps_that_kind_forever()
    {
        await MakeHistoryAsync();
        _w.Options.SendLog = TimeSpan.Zero;
        _w.Options.Refusals = TimeSpan.Zero;
        _w.Options.Health = TimeSpan.Zero;
        _w.Options.Events = TimeSpan.Zero;
        _w.Options.Webhooks = TimeSpan.Zero;
        _w.Options.WebhookFailures = TimeSpan.Zero;
        _w.Time.Advance(TimeSpan.FromDays(3650));

        var report = await _w.Service().RunAsync(dryRun: false);
        // Spool files have their grace and idempotency keys their window, whatever the periods say.
        Assert.All(report.Kinds.Where(k => k.Kind is not (PurgeKinds.SpoolFiles or PurgeKinds.IdempotencyKeys)), k => Assert.Null(k.OlderThan));
        Assert.Equal(report.Count(PurgeKinds.SpoolFiles), report.Total);
        Assert.Equal(2, _w.Rows("messages"));
        Assert.Equal(1, _w.Rows("refusals"));
        Assert.Equal(1, _w.Rows("violations"));
        Assert.Equal(1, _w.Rows("channel_health"));
    }

    [Fact]
    public async Task Violations_stay_while_the_restriction_rules_still_count_them()
    {
        _w.Options.Refusals = TimeSpan.FromDays(2);
        _w.PolicyOptions.ViolationWindow = TimeSpan.FromDays(7);
        await _w.Policy.AddViolationAsync(_w.Now - TimeSpan.FromDays(8), "alice@example.com", "example.com", ContentClass.Marketing, "Sale");
        await _w.Policy.AddViolationAsync(_w.Now - TimeSpan.FromDays(5), "alice@example.com", "example.com", ContentClass.Marketing, "Sale");
        await _w.Log.RecordRefusalAsync(new Refusal(_w.Now - TimeSpan.FromDays(5), "s1", "127.0.0.1", null, "x@example.com", null, "rcpt", 550, "550 5.7.1 no"));

        var report = await _w.Service().RunAsync(dryRun: false);
        Assert.Equal(1, report.Count(PurgeKinds.Refusals));
        Assert.Equal(1, report.Count(PurgeKinds.Violations));
        Assert.Equal(TimeSpan.FromDays(7), report.Kinds.Single(k => k.Kind == PurgeKinds.Violations).OlderThan);
        Assert.Equal(1, await _w.Policy.CountViolationsAsync("alice@example.com", null, DateTimeOffset.MinValue));
    }

    [Fact]
    public async Task Idempotency_keys_go_once_their_window_has_passed()
    {
        _w.ApiOptions.IdempotencyWindow = TimeSpan.FromHours(6);
        var keys = new Outpost.Storage.Sqlite.SqliteIdempotencyStore(_w.Db);
        await keys.TryInsertAsync("key:a", "old", "h", "t1", _w.Now - TimeSpan.FromHours(7));
        await keys.TryInsertAsync("key:a", "young", "h", "t2", _w.Now - TimeSpan.FromHours(5));

        var dry = await _w.Service().RunAsync(dryRun: true);
        Assert.Equal(1, dry.Count(PurgeKinds.IdempotencyKeys));
        Assert.Equal(2, _w.Rows("idempotency_keys"));
        var report = await _w.Service().RunAsync(dryRun: false);
        Assert.Equal(1, report.Count(PurgeKinds.IdempotencyKeys));
        Assert.Equal(TimeSpan.FromHours(6), report.Kinds.Single(k => k.Kind == PurgeKinds.IdempotencyKeys).OlderThan);
        Assert.NotNull(await keys.FindAsync("key:a", "young"));
        Assert.Null(await keys.FindAsync("key:a", "old"));
    }

    public void Dispose() => _w.Dispose();
}
