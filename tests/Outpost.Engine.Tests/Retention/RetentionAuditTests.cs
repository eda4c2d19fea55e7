using Outpost.Engine.Audit;
using Outpost.Engine.Queue;
using Outpost.Engine.Retention;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Retention;

/// <summary>A purge that removed something is in the audit trail with who ran it; a dry run and an empty purge are not.</summary>
public sealed class RetentionAuditTests : IDisposable
{
    readonly RetentionWorld _w = new();

    [Fact]
    public async Task A_purge_that_removed_history_leaves_one_audit_line_and_a_dry_run_none()
    {
        var audit = new SqliteAuditStore(_w.Db);
        var anna = new AuditActor("anna", AuditActor.Cli);
        var mail = await _w.QueueAsync("a@remote.test");
        await _w.OutcomeAsync(RecipientStatus.Delivered, mail[0]);
        _w.Time.Advance(TimeSpan.FromDays(91));

        var dry = await _w.Service().RunAsync(dryRun: true);
        Assert.True(dry.Total > 0);
        Assert.Null(await RetentionAudit.RecordAsync(audit, anna, dry));

        var report = await _w.Service().RunAsync(dryRun: false);
        var line = await RetentionAudit.RecordAsync(audit, anna, report);
        Assert.NotNull(line);
        var kept = Assert.Single(await audit.ListAsync(new AuditQuery([AuditActions.Purged])));
        Assert.Equal(("anna", "cli", AuditActions.Purged, report.Summary()), (kept.Actor, kept.Via, kept.Action, kept.Target));
        Assert.Contains("1 messages", kept.Target, StringComparison.Ordinal);

        // The next run finds nothing and writes nothing.
        Assert.Null(await RetentionAudit.RecordAsync(audit, anna, await _w.Service().RunAsync(dryRun: false)));
        Assert.Single(await audit.ListAsync(new AuditQuery([AuditActions.Purged])));
    }

    public void Dispose() => _w.Dispose();
}
