using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Engine.Retention;

namespace Outpost.Engine.Tests.Retention;

/// <summary>The background run in <c>outpost serve</c>: soon after start, then every interval, and a failure is logged, not fatal.</summary>
public sealed class RetentionSchedulerTests : IDisposable
{
    readonly RetentionWorld _w = new();

    [Fact]
    public async Task A_failed_run_is_logged_and_the_next_interval_runs_again()
    {
        var store = new FailingOnceStore();
        var service = new RetentionService(store, new SpoolSweeper(new Outpost.Engine.Spool.SpoolBodyStore(_w.Spool), store, NullLogger<SpoolSweeper>.Instance), _w.Options, _w.PolicyOptions, _w.ApiOptions, _w.Time);
        var logger = new ListLogger<RetentionScheduler>();
        using var scheduler = new RetentionScheduler(service, new Outpost.Storage.Sqlite.SqliteAuditStore(_w.Db), _w.Options, _w.Time, logger);
        var start = _w.Now;
        await scheduler.StartAsync(CancellationToken.None);

        // The loop starts on its own thread, so the clock moves in steps until the first run (a minute in) is seen.
        await AdvanceUntilAsync(() => store.Purges >= 1, TimeSpan.FromSeconds(10), everyTry: true);
        Assert.InRange(_w.Now - start, RetentionScheduler.FirstRun, TimeSpan.FromMinutes(2));
        await AdvanceUntilAsync(() => logger.Entries.Any(e => e.Level == LogLevel.Error), TimeSpan.Zero);
        Assert.Contains("Retention failed; it runs again in 01:00:00", logger.Entries.Single(e => e.Level == LogLevel.Error).Message);

        // Nothing before the interval is up; then the second run, which works. (The real pause lets the
        // loop reach its next wait before the fake clock moves.)
        await Task.Delay(100);
        _w.Time.Advance(_w.Options.Interval - TimeSpan.FromSeconds(1));
        await Task.Delay(100);
        Assert.Equal(1, store.Purges);
        await AdvanceUntilAsync(() => store.Purges >= 2, TimeSpan.FromSeconds(1), everyTry: true);
        Assert.NotNull(scheduler.ExecuteTask);
        Assert.False(scheduler.ExecuteTask.IsCompleted);

        await scheduler.StopAsync(CancellationToken.None);
        Assert.True(scheduler.ExecuteTask.IsCompletedSuccessfully);
    }

    /// <summary>Moves the fake clock by <paramref name="step"/> (once, or before every look), waiting in real time for the background loop to catch up.</summary>
    async Task AdvanceUntilAsync(Func<bool> done, TimeSpan step, bool everyTry = false)
    {
        _w.Time.Advance(step);
        for (var i = 0; i < 200 && !done(); i++)
        {
            await Task.Delay(25);
            if (everyTry)
                _w.Time.Advance(step);
        }
        Assert.True(done());
    }

    public void Dispose() => _w.Dispose();
}
