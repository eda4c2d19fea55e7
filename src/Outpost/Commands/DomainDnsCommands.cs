using System.CommandLine;
using Outpost.Cli;
using Outpost.Engine.Accounts;
using Outpost.Engine.Domains;
using Outpost.Engine.Signing;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary><c>outpost domain dns &lt;domain&gt; [--check] [--json]</c> and <c>outpost domain dkim rotate &lt;domain&gt;</c>.</summary>
public static class DomainDnsCommands
{
    public static Command CreateDns()
    {
        var name = new Argument<string>("domain") { Description = "Domain name" };
        var check = new Option<bool>("--check") { Description = "Look at DNS now (otherwise: the last check)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("dns", "The sending DNS records the domain must publish, and their status") { name, check, json };
        command.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var domain = await cli.Get<IAccountStore>().GetDomainAsync(parse.GetValue(name)!.Trim().ToLowerInvariant(), ct);
            if (domain is null)
                return Output.Fail($"The domain {parse.GetValue(name)} is not hosted here.");
            var verifier = cli.Get<DomainDnsVerifier>();
            await cli.Get<DkimKeyManager>().CreateInitialKeysAsync(domain.Name, ct);
            var report = parse.GetValue(check) ? await verifier.CheckAsync(domain.Name, ct) : await verifier.ReportAsync(domain.Name, ct);
            var note = await cli.Get<SendingGate>().FreshRecordsNoteAsync(domain.Name, ct);

            if (parse.GetValue(json))
            {
                Output.WriteJson(new
                {
                    report.Domain, report.Ready, report.CheckedAt, report.ValidSince, Note = note,
                    Records = report.Records.Select(r => new
                    {
                        Kind = r.Kind.ToString().ToLowerInvariant(), r.Name, r.Type, r.Value, Strings = r.ValueStrings, r.Required,
                        Status = r.Status.ToString().ToLowerInvariant(), r.Sentence, r.Found, r.FirstValidAt,
                    }),
                });
                return 0;
            }

            var table = new Table().AddColumns("Record", "Name", "Type", "Value", "Status").Expand();
            foreach (var r in report.Records)
                table.AddRow(r.Kind.ToString().ToUpperInvariant() + (r.Required ? "" : " (optional)"), Markup.Escape(r.Name), r.Type,
                    Markup.Escape(r.Value), StatusMarkup(r.Status, report.CheckedAt is null));
            AnsiConsole.Write(table);
            foreach (var r in report.Records.Where(r => r.Status != DnsRecordStatus.Ok))
                AnsiConsole.MarkupLine($"[yellow]•[/] {Markup.Escape(r.Sentence)}");
            if (report.CheckedAt is null)
                AnsiConsole.MarkupLine($"Not checked yet; run 'outpost domain dns {domain.Name} --check' after publishing.");
            else
                AnsiConsole.MarkupLine(report.Ready
                    ? $"[green]{domain.Name} may send to external recipients.[/] Last checked {Output.Time(report.CheckedAt.Value)}."
                    : $"[red]{domain.Name} cannot send to external recipients until the records above are right.[/] Last checked {Output.Time(report.CheckedAt.Value)}.");
            if (note is not null)
                AnsiConsole.MarkupLine($"[yellow]Note:[/] {Markup.Escape(note)}.");
            AnsiConsole.MarkupLine("As lines of a BIND zone file:");
            foreach (var r in report.Records)
                Console.WriteLine($"{r.Name}. 3600 IN TXT {TxtStrings.ForZoneFile(r.Value)}");
            return 0;
        });
        return command;
    }

    public static Command CreateDkim()
    {
        var name = new Argument<string>("domain") { Description = "Domain name" };
        var rotate = new Command("rotate", "Make a new DKIM key under a new selector; signing switches once its record is published") { name };
        rotate.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var domain = await cli.Get<IAccountStore>().GetDomainAsync(parse.GetValue(name)!.Trim().ToLowerInvariant(), ct);
            if (domain is null)
                return Output.Fail($"The domain {parse.GetValue(name)} is not hosted here.");
            var keys = await cli.Get<DkimKeyManager>().RotateAsync(domain.Name, ct);
            foreach (var key in keys)
            {
                AnsiConsole.MarkupLine($"Publish this TXT record, then run 'outpost domain dns {domain.Name} --check':");
                Console.WriteLine($"{key.RecordName}. 3600 IN TXT {TxtStrings.ForZoneFile(key.RecordValue)}");
            }
            AnsiConsole.MarkupLine("The current key keeps signing until the new record is seen; the old record must stay published for a while after that.");
            return 0;
        });
        var dkim = new Command("dkim", "DKIM keys") { rotate };
        return dkim;
    }

    static string StatusMarkup(DnsRecordStatus status, bool neverChecked) => neverChecked ? "[grey]not checked[/]" : status switch
    {
        DnsRecordStatus.Ok => "[green]ok[/]",
        DnsRecordStatus.Error => "[yellow]error[/]",
        _ => $"[red]{status.ToString().ToLowerInvariant()}[/]",
    };
}
