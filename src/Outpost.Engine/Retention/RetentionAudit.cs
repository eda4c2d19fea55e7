using Outpost.Engine.Audit;

namespace Outpost.Engine.Retention;

/// <summary>
/// A purge that removed something leaves one line in the audit trail: who ran it (Outpost's scheduler, or
/// the person behind <c>outpost purge</c>), what went, kind by kind (the target names the counts; the trail's own counts are for queue actions).
/// A dry run and a purge that found nothing leave none, so the trail is not filled by the hourly run.
/// </summary>
public static class RetentionAudit
{
    public static async Task<AuditEntry?> RecordAsync(IAuditStore audit, AuditActor actor, PurgeReport report, CancellationToken cancellationToken = default)
    {
        if (report.DryRun || report.Total == 0)
            return null;
        return await audit.AddAsync(new AuditEntry(0, report.At, actor.Name, actor.Via, AuditActions.Purged, report.Summary(), null,
            "history older than its retention period", 0, 0), cancellationToken);
    }
}
