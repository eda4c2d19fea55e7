using System.CommandLine;
using Outpost.Cli;
using Outpost.Engine.Hosting;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary>
/// <c>outpost doctor [--json]</c>: what breaks mail in practice, each finding ok, warning or problem with one
/// sentence and how to fix it (<see cref="Doctor"/>). Exit 0 without problems (warnings allowed), 1 with any.
/// </summary>
public static class DoctorCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("doctor", "Check listeners, DNS, reverse DNS, SPF, the certificate, the data directory and the database, and say how to fix what is wrong") { json };
        command.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var findings = await cli.Get<Doctor>().RunAsync(ct);
            if (parse.GetValue(json))
                Output.WriteJson(findings);
            else
            {
                var table = new Table().AddColumns("Check", "", "Finding", "Fix");
                foreach (var f in findings)
                    table.AddRow(Markup.Escape(f.Check), f.Severity switch
                    {
                        DoctorSeverity.Ok => "[green]ok[/]",
                        DoctorSeverity.Warning => "[yellow]warning[/]",
                        _ => "[red]problem[/]",
                    }, Markup.Escape(f.Sentence), Markup.Escape(f.Fix));
                AnsiConsole.Write(table);
            }
            return findings.Any(f => f.Severity == DoctorSeverity.Problem) ? ExitCodes.Failed : ExitCodes.Ok;
        });
        return command;
    }
}
