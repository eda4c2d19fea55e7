using Microsoft.Extensions.Logging.Abstractions;
using Outpost.Engine.Queue;
using Outpost.Engine.Retention;

namespace Outpost.Engine.Tests.Retention;

/// <summary>The orphaned-spool sweep over a real spool directory and SQLite file.</summary>
public sealed class SpoolSweeperTests : IDisposable
{
    static readonly TimeSpan Grace = TimeSpan.FromHours(1);
    readonly RetentionWorld _w = new();

    SpoolSweeper Sweeper() => new(new Outpost.Engine.Spool.SpoolBodyStore(_w.Spool), _w.Store, NullLogger<SpoolSweeper>.Instance);

    string File(string id, TimeSpan age)
    {
        var path = _w.Spool.PathFor(id);
        System.IO.File.WriteAllText(path, "Subject: x\r\n\r\nx\r\n");
        System.IO.File.SetLastWriteTimeUtc(path, (_w.Now - age).UtcDateTime);
        return path;
    }

    [Fact]
    public async Task An_old_orphan_goes_and_a_young_one_and_an_open_messages_file_stay()
    {
        // Final two hours ago, its file left behind by a crash before the unlink.
        var final = await _w.QueueAsync("final@remote.test");
        await _w.OutcomeAsync(RecipientStatus.Delivered, final[0]);
        // Deferred, and held for review: open, however old their files are.
        var deferred = await _w.QueueAsync("deferred@remote.test");
        await _w.OutcomeAsync(RecipientStatus.Deferred, deferred[0]);
        var held = await _w.QueueAsync(["held@remote.test"], review: true);
        _w.Time.Advance(TimeSpan.FromHours(2));
        // Unknown to the database: old (a crash after the fsync, before the commit), and young (being received now).
        var unknownOld = File("0000000000AAAAAA", TimeSpan.FromHours(3));
        var unknownYoung = File("0000000000BBBBBB", TimeSpan.FromMinutes(5));
        // Not a queue id: not Outpost's, never touched.
        var stranger = Path.Combine(_w.Spool.Root, "notes.txt");
        await System.IO.File.WriteAllTextAsync(stranger, "mine");
        System.IO.File.SetLastWriteTimeUtc(stranger, (_w.Now - TimeSpan.FromDays(30)).UtcDateTime);

        var swept = await Sweeper().SweepAsync(_w.Now - Grace, dryRun: false);

        Assert.Equal(2, swept.Files);
        Assert.False(System.IO.File.Exists(_w.Spool.PathFor(final[0].MessageId)));
        Assert.False(System.IO.File.Exists(unknownOld));
        Assert.True(System.IO.File.Exists(unknownYoung));
        Assert.True(System.IO.File.Exists(_w.Spool.PathFor(deferred[0].MessageId)));
        Assert.True(System.IO.File.Exists(_w.Spool.PathFor(held[0].MessageId)));
        Assert.True(System.IO.File.Exists(stranger));
    }

    [Fact]
    public async Task A_message_that_finished_just_now_keeps_its_old_file_while_its_bounce_may_read_it()
    {
        var expiring = await _w.QueueAsync("slow@remote.test");
        await _w.OutcomeAsync(RecipientStatus.Deferred, expiring[0]);
        _w.Time.Advance(TimeSpan.FromDays(5));
        await _w.OutcomeAsync(RecipientStatus.Bounced, Assert.Single(await _w.ClaimAsync()));

        Assert.Equal(0, (await Sweeper().SweepAsync(_w.Now - Grace, dryRun: false)).Files);
        Assert.True(System.IO.File.Exists(_w.Spool.PathFor(expiring[0].MessageId)));

        _w.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(1, (await Sweeper().SweepAsync(_w.Now - Grace, dryRun: false)).Files);
    }

    [Fact]
    public async Task A_dry_run_counts_the_orphans_and_their_size_and_removes_none()
    {
        var path = File("0000000000CCCCCC", TimeSpan.FromDays(1));
        var swept = await Sweeper().SweepAsync(_w.Now - Grace, dryRun: true);
        Assert.Equal(new SweepResult(1, new FileInfo(path).Length), swept);
        Assert.True(System.IO.File.Exists(path));
    }

    public void Dispose() => _w.Dispose();
}
