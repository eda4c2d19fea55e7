using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Audit;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Retention;

/// <summary>
/// Runs retention in <c>outpost serve</c>: soon after start (a server restarted more often than the
/// interval must still purge), then every <see cref="RetentionOptions.Interval"/>. What went is logged
/// and written to the audit trail;
/// a failure is logged and the next run tries again, so housekeeping can never take the server down.
/// Talks to: <see cref="RetentionService"/>, the audit trail.
/// </summary>
public sealed class RetentionScheduler(RetentionService retention, IAuditStore audit, RetentionOptions options, TimeProvider time, ILogger<RetentionScheduler> logger) : BackgroundService
{
    /// <summary>After start, crash recovery and the first deliveries go first.</summary>
    public static readonly TimeSpan FirstRun = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = options.Interval < FirstRun ? options.Interval : FirstRun;
        while (true)
        {
            try
            {
                await Task.Delay(wait, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            wait = options.Interval;
            try
            {
                var report = await retention.RunAsync(dryRun: false, stoppingToken);
                if (report.Total > 0)
                {
                    logger.LogInformation("Retention removed {Summary}", report.Summary());
                    await RetentionAudit.RecordAsync(audit, AuditActor.Outpost, report, stoppingToken);
                }
                else
                    logger.LogDebug("Retention found nothing to remove");
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                logger.LogError(ex, "Retention failed; it runs again in {Interval}", options.Interval);
            }
        }
    }
}
