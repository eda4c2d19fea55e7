using System.CommandLine;
using Outpost.Cli;
using Outpost.Engine.Policy;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary><c>outpost check &lt;file.eml&gt; --from A --to B…</c>: the verdict a message would get, without sending it (F2).</summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "The message, as an .eml file (RFC 5322)" };
        var from = new Option<string>("--from") { Description = "Envelope sender", Required = true };
        var to = new Option<string[]>("--to") { Description = "Recipients", Required = true, AllowMultipleArgumentsPerToken = true };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("check", "Check a message against the sending rules and tell why it would fail or land in spam") { file, from, to, json };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
                return Output.Fail($"The file {path.FullName} does not exist.");
            await using var cli = CliContext.Create(parse);
            PreflightReport report;
            try
            {
                await using var stream = path.OpenRead();
                report = await cli.Get<Preflight>().CheckAsync(stream, path.Length, parse.GetValue(from)!, parse.GetValue(to)!, ct);
            }
            catch (ArgumentException ex)
            {
                return Output.Fail(ex.Message);
            }

            if (parse.GetValue(json))
            {
                Output.WriteJson(new
                {
                    report.WouldSend, report.Decision, report.Verdict, report.Checks,
                    Content = report.Content.Select(c => new { Class = c.Class.Code(), c.Fired, c.Held, c.Score, c.Signals }),
                    report.Advice, report.Model, report.Probabilities,
                });
                return report.WouldSend ? ExitCodes.Ok : ExitCodes.WouldBeRefused;
            }
            AnsiConsole.MarkupLine(report.WouldSend ? $"[green]{Markup.Escape(report.Verdict)}[/]" : $"[red]{Markup.Escape(report.Verdict)}[/]");
            var checks = new Table().AddColumns("Check", "Result", "Why");
            foreach (var c in report.Checks)
                checks.AddRow(c.Name, c.Passed ? "[green]pass[/]" : "[red]fail[/]", Markup.Escape(c.Sentence));
            AnsiConsole.Write(checks);
            var content = new Table().AddColumns("Class", "Probability", "Verdict", "Evidence");
            foreach (var c in report.Content)
                content.AddRow(c.Class.Code(), c.Class is Engine.Policy.ContentClass.BulkDuplicate ? "" : c.Score.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture),
                    c.Fired ? "[red]refused[/]" : c.Held ? "[yellow]held for review[/]" : "no", Markup.Escape(string.Join("; ", c.Signals)));
            AnsiConsole.Write(content);
            AnsiConsole.MarkupLine($"[grey]Content model {Markup.Escape(report.Model)}; business {report.Probabilities.GetValueOrDefault("business"):0.00}[/]");
            foreach (var a in report.Advice)
                AnsiConsole.MarkupLine($"[yellow]•[/] {Markup.Escape(a)}");
            return report.WouldSend ? ExitCodes.Ok : ExitCodes.WouldBeRefused;
        });
        return command;
    }
}
