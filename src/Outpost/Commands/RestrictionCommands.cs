using System.CommandLine;
using Outpost.Cli;
using Outpost.Engine.Audit;
using Outpost.Engine.Policy;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary><c>outpost restrictions list|lift|history</c>: who may not send out, and lifting it, audited.</summary>
public static class RestrictionCommands
{
    public static Command Create()
    {
        var restrictions = new Command("restrictions", "Restrictions of external sending (R1)");

        var all = new Option<bool>("--all") { Description = "Also the lifted ones" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var list = new Command("list", "Restricted mailboxes and domains") { all, json };
        list.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var rows = await cli.Get<IPolicyStore>().RestrictionsAsync(parse.GetValue(all), ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(rows);
                return 0;
            }
            var table = new Table().AddColumns("Scope", "Who", "Since", "By", "Reason", "Lifted");
            foreach (var r in rows)
                table.AddRow(r.Scope, Markup.Escape(r.Subject), Output.Time(r.CreatedAt), Markup.Escape(r.CreatedBy), Markup.Escape(r.Reason),
                    r.LiftedAt is { } at ? Markup.Escape($"{Output.Time(at)} by {r.LiftedBy}: {r.LiftReason}") : "");
            AnsiConsole.Write(table);
            return 0;
        });

        var subject = new Argument<string>("who") { Description = "The restricted mailbox address or domain" };
        var reason = new Option<string>("--reason") { Description = "Why it is lifted (kept in the audit trail)", Required = true };
        var by = new Option<string>("--by") { Description = "Who lifts it", DefaultValueFactory = _ => Environment.UserName };
        var lift = new Command("lift", "Lift a restriction") { subject, reason, by };
        lift.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var who = parse.GetValue(subject)!.Trim().ToLowerInvariant();
            if (AuditActor.Problem(parse.GetValue(by)) is { } badName)
                return Output.Fail(badName);
            var lifted = await cli.Get<IPolicyStore>().LiftAsync(who, new AuditActor(parse.GetValue(by)!, AuditActor.Cli), parse.GetValue(reason)!, DateTimeOffset.UtcNow, ct);
            if (lifted is null)
                return Output.Fail($"{who} is not restricted.");
            Output.Ok($"The restriction of {who} is lifted.");
            return 0;
        });

        var historySubject = new Argument<string?>("who") { Description = "Only this mailbox or domain", Arity = ArgumentArity.ZeroOrOne };
        var history = new Command("history", "Every restriction and lift, oldest first, from the audit trail (outpost audit list shows all of it)") { historySubject, json };
        history.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var events = (await cli.Get<IAuditStore>().ListAsync(
                new AuditQuery(AuditActions.Restrictions, parse.GetValue(historySubject)?.Trim().ToLowerInvariant(), Limit: 10_000), ct)).Reverse().ToList();
            if (parse.GetValue(json))
            {
                // The names this command has always printed: the subject restricted and who did it.
                Output.WriteJson(events.Select(e => new { e.At, Subject = e.Target, e.Action, By = e.Actor, e.Via, e.Reason }));
                return 0;
            }
            var table = new Table().AddColumns("Time", "Who", "Action", "By", "Reason");
            foreach (var e in events)
                table.AddRow(Output.Time(e.At), Markup.Escape(e.Target), e.Action, Markup.Escape(e.Actor), Markup.Escape(e.Reason ?? ""));
            AnsiConsole.Write(table);
            return 0;
        });

        restrictions.Subcommands.Add(list);
        restrictions.Subcommands.Add(lift);
        restrictions.Subcommands.Add(history);
        return restrictions;
    }
}
