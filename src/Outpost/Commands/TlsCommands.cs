using System.CommandLine;
using System.Globalization;
using Outpost.Cli;
using Outpost.Engine.Delivery;
using Outpost.Engine.Delivery.Tls;
using Outpost.Engine.Delivery.Tls.Report;

namespace Outpost.Commands;

/// <summary>
/// <c>outpost tls report [--day YYYY-MM-DD] [--domain d] [--send]</c>: the TLS-RPT reports (RFC 8460 JSON) of
/// a day as they would be sent, from the counts the server has stored; <c>--send</c> queues them now to each
/// domain's rua instead of waiting for the end of the day (a report goes once per domain and day either way).
/// </summary>
public static class TlsCommands
{
    /// <summary>How long <c>--send</c> lets the queued reports leave before the command ends.</summary>
    static readonly TimeSpan SendWait = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var command = new Command("tls", "Outbound TLS: the TLS-RPT reports of a day");
        var day = new Option<string?>("--day") { Description = "The UTC day, YYYY-MM-DD (default: today, so far)" };
        var domain = new Option<string?>("--domain") { Description = "Only this policy domain's report" };
        var send = new Option<bool>("--send") { Description = "Queue the reports to the domains' TLS-RPT addresses now (each domain and day once)" };
        var report = new Command("report", "The RFC 8460 JSON reports of a day, as they would be sent") { day, domain, send };
        report.SetAction(async (parse, ct) =>
        {
            var dayText = parse.GetValue(day)?.Trim() ?? DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (dayText.Length != 10 || !DateOnly.TryParseExact(dayText, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
                return Output.Fail($"'{(dayText.Length > 40 ? dayText[..40] + "…" : dayText)}' is not a day; give it as YYYY-MM-DD.");
            var name = parse.GetValue(domain)?.Trim().TrimEnd('.').ToLowerInvariant();
            if (name is not null && (!MxPattern.IsValid(name) || name.StartsWith('*')))
                return Output.Fail($"'{(name.Length > 80 ? name[..80] + "…" : name)}' is not a domain name.");
            await using var cli = CliContext.Create(parse);
            var sender = cli.Get<TlsReportSender>();
            if (parse.GetValue(send))
            {
                if (string.IsNullOrWhiteSpace(cli.Options.Tls.ReportAddress))
                    return Output.Fail("Tls:ReportAddress is empty, so no TLS report is sent; set it to the address reports come from.");
                var outcomes = await sender.SendAsync(dayText, name, ct);
                if (outcomes.Count == 0)
                    return Output.Fail(name is null ? $"No TLS results were counted on {dayText}." : $"No TLS results were counted for {name} on {dayText}.");
                foreach (var outcome in outcomes)
                    Console.Out.WriteLine(char.ToUpperInvariant(outcome.Sentence[0]) + outcome.Sentence[1..] + ".");
                // The reports are queued and their delivery started in this process: it finishes them before the command ends.
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(SendWait);
                await cli.Get<RemoteDispatcher>().DrainAsync(wait.Token);
                return 0;
            }
            var reports = await sender.ReportsAsync(dayText, name, ct);
            if (name is not null)
            {
                if (reports.Count == 0)
                    return Output.Fail($"No TLS results were counted for {name} on {dayText}.");
                Console.Out.WriteLine(reports[0].Json);
                return 0;
            }
            Console.Out.WriteLine("[" + string.Join(",\n", reports.Select(r => r.Json)) + "]");
            return 0;
        });
        command.Subcommands.Add(report);
        return command;
    }
}
