using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Delivery.Tls.Report;

/// <summary>
/// TLS-RPT in <c>outpost serve</c>: every <c>Tls:ReportFlushInterval</c> adds the sessions counted in memory
/// to the database (<see cref="TlsReportCounter"/>); once a UTC day has ended, and <c>Tls:ReportAddress</c> is
/// set, sends that day's reports (<see cref="TlsReportSender"/>, which never sends one twice) and removes
/// counts older than <see cref="KeepDays"/>. It looks at the two days before today, so a server that was down
/// over midnight still reports.
/// Talks to: the counter, the sender, the store. Security stance: a failure is logged and tried again at the next tick.
/// </summary>
public sealed class TlsReportScheduler(TlsReportCounter counter, TlsReportSender sender, ITlsReportStore store, OutpostOptions options, TimeProvider time,
    ILogger<TlsReportScheduler> logger) : BackgroundService
{
    /// <summary>Days of counts kept for <c>outpost tls report</c>.</summary>
    public const int KeepDays = 14;

    string? _reportedThrough;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Tls.ReportFlushInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await counter.FlushAsync(stoppingToken);
                    await ReportFinishedDaysAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(ex, "TLS-RPT: counts or reports not done this time; tried again at the next tick");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await counter.FlushAsync(cancellationToken);
    }

    async Task ReportFinishedDaysAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var yesterday = Day(today.AddDays(-1));
        if (_reportedThrough == yesterday || string.IsNullOrWhiteSpace(options.Tls.ReportAddress))
            return;
        foreach (var day in new[] { Day(today.AddDays(-2)), yesterday })
            await sender.SendAsync(day, null, cancellationToken);
        await store.PurgeBeforeAsync(Day(today.AddDays(-KeepDays)), cancellationToken);
        _reportedThrough = yesterday;
    }

    static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
