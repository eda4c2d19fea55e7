using System.CommandLine;
using System.Globalization;
using Outpost.Cli;
using Outpost.Engine.Audit;
using Outpost.Engine.Retention;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary>
/// <c>outpost purge [--dry-run] [--json]</c>: retention now, as <c>outpost serve</c> runs it every
/// <c>Retention:Interval</c> — old settled messages, refusals, violations and channel health, and orphaned
/// spool files — with what went (or would go) per kind. Safe beside a running server: it deletes in the
/// same small batches.
/// </summary>
public static class PurgeCommand
{
    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would go, remove nothing" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var actor = new Option<string>("--actor") { Description = "Who runs it, as the audit trail keeps it (default: the OS user)", DefaultValueFactory = _ => Environment.UserName };
        var command = new Command("purge", "Remove history older than its retention period, and orphaned spool files") { dryRun, json, actor };
        command.SetAction(async (parse, ct) =>
        {
            var options = CliContext.LoadOptions(parse);
            if ((options.Retention.Problem() ?? options.Api.Problem()) is { } problem)
                return Output.Fail(problem);
            if (AuditActor.Problem(parse.GetValue(actor)) is { } who)
                return Output.Fail(who);
            await using var cli = CliContext.Create(parse);
            var report = await cli.Get<RetentionService>().RunAsync(parse.GetValue(dryRun), ct);
            await RetentionAudit.RecordAsync(cli.Get<IAuditStore>(), new AuditActor(parse.GetValue(actor)!.Trim(), AuditActor.Cli), report, ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(new
                {
                    report.DryRun,
                    report.At,
                    Kinds = report.Kinds.Select(k => new { k.Kind, k.Count, OlderThan = k.OlderThan?.ToString("c", CultureInfo.InvariantCulture), k.Bytes }),
                    report.Total,
                });
                return 0;
            }
            var table = new Table().AddColumns("What", "Older than", report.DryRun ? "Would go" : "Removed");
            foreach (var k in report.Kinds)
                table.AddRow(k.Kind, k.OlderThan is { } age ? Age(age) : "kept forever",
                    k.Count.ToString("N0", CultureInfo.InvariantCulture) + (k.Bytes is > 0 and var bytes ? $" ({Size(bytes)})" : ""));
            AnsiConsole.Write(table);
            var files = report.Count(PurgeKinds.SpoolFiles);
            var rows = report.Total - files;
            var what = $"{rows.ToString("N0", CultureInfo.InvariantCulture)} row(s) and {files.ToString("N0", CultureInfo.InvariantCulture)} spool file(s)";
            Output.Ok(report.DryRun ? $"Dry run: {what} would go; nothing was removed." : $"Removed {what}.");
            return 0;
        });
        return command;
    }

    /// <summary>"90 days", "1 h", or the exact span when it is neither.</summary>
    static string Age(TimeSpan age) =>
        age.Ticks % TimeSpan.TicksPerDay == 0 ? $"{age.TotalDays.ToString(CultureInfo.InvariantCulture)} day(s)"
        : age.Ticks % TimeSpan.TicksPerHour == 0 ? $"{age.TotalHours.ToString(CultureInfo.InvariantCulture)} h"
        : age.ToString("c", CultureInfo.InvariantCulture);

    static string Size(long bytes) => bytes switch
    {
        >= 1 << 30 => $"{(bytes / (double)(1 << 30)).ToString("0.#", CultureInfo.InvariantCulture)} GB",
        >= 1 << 20 => $"{(bytes / (double)(1 << 20)).ToString("0.#", CultureInfo.InvariantCulture)} MB",
        >= 1 << 10 => $"{(bytes / (double)(1 << 10)).ToString("0.#", CultureInfo.InvariantCulture)} KB",
        _ => $"{bytes.ToString(CultureInfo.InvariantCulture)} bytes",
    };
}
