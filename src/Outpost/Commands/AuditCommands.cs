using System.CommandLine;
using System.Globalization;
using Outpost.Cli;
using Outpost.Engine.Audit;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary><c>outpost audit list</c>: the audit trail of queue actions and restrictions, newest first: who, how, what, why, when, how many.</summary>
public static class AuditCommands
{
    public static Command Create()
    {
        var audit = new Command("audit", "The audit trail: every queue action and restriction, with who did it and why");
        var action = new Option<string?>("--action") { Description = string.Join(", ", AuditActions.All) };
        var domain = new Option<string?>("--domain") { Description = "Only lines limited to this sending domain" };
        var target = new Option<string?>("--target") { Description = "Only lines about this target (a selection as shown, a mailbox or a domain)" };
        var since = new Option<string?>("--since") { Description = "A time (2026-11-27T10:00Z) or a span back from now (30m, 2h, 7d)" };
        var limit = new Option<int>("--limit") { Description = "At most this many lines", DefaultValueFactory = _ => 100 };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var list = new Command("list", "Audit lines, newest first") { action, domain, target, since, limit, json };
        list.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(action) is { } a && !AuditActions.All.Contains(a))
                return Output.Fail($"'{a}' is not an audited action; use one of {string.Join(", ", AuditActions.All)}.");
            DateTimeOffset? from;
            try
            {
                from = LogCommands.ParseSince(parse.GetValue(since));
            }
            catch (ArgumentException e)
            {
                return Output.Fail(e.Message);
            }
            await using var cli = CliContext.Create(parse);
            var lines = await cli.Get<IAuditStore>().ListAsync(new AuditQuery(parse.GetValue(action) is { } one ? [one] : null, parse.GetValue(target)?.Trim(),
                parse.GetValue(domain)?.Trim().ToLowerInvariant(), from, null, Math.Clamp(parse.GetValue(limit), 1, 10_000)), ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(lines);
                return 0;
            }
            var table = new Table().AddColumns("Id", "Time", "Who", "Via", "Action", "Target", "Why", "Touched", "Skipped");
            foreach (var e in lines)
                table.AddRow(e.Id.ToString(CultureInfo.InvariantCulture), Output.Time(e.At), Markup.Escape(e.Actor), e.Via ?? "", e.Action, Markup.Escape(e.Target),
                    Markup.Escape(e.Reason ?? ""), e.Touched.ToString(CultureInfo.InvariantCulture), e.Skipped.ToString(CultureInfo.InvariantCulture));
            AnsiConsole.Write(table);
            return 0;
        });
        audit.Subcommands.Add(list);
        return audit;
    }
}
