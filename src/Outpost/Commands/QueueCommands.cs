using System.CommandLine;
using System.Globalization;
using Outpost.Cli;
using Outpost.Engine.Audit;
using Outpost.Engine.Operations;
using Outpost.Engine.Queue;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary>
/// <c>outpost queue list|summary|hold|release|retry|delete|bounce|flush</c>: what waits, by a selection
/// (a queue id, <c>--domain</c>, <c>--sender</c>, <c>--channel</c>, <c>--status</c>, <c>--older-than</c>),
/// counted per destination and age, and the operator's actions on it, each audited with who
/// (<c>--actor</c>, else the OS user) and why (<c>--reason</c>, required to delete).
/// </summary>
public static class QueueCommands
{
    public static Command Create()
    {
        var queue = new Command("queue", "The delivery queue: what waits, and an operator's actions on it");
        queue.Subcommands.Add(List());
        queue.Subcommands.Add(Summary());
        queue.Subcommands.Add(Action("hold", "Keep the selected queued and deferred recipients in the queue without trying them, until released", QueueAction.Hold));
        queue.Subcommands.Add(Action("release", "Release the selected held recipients: they are tried at once", QueueAction.Release));
        queue.Subcommands.Add(Action("retry", "Try the selected deferred recipients again now", QueueAction.Retry));
        queue.Subcommands.Add(Action("delete", "Delete the selected waiting recipients without telling the sender (needs --reason)", QueueAction.Delete));
        queue.Subcommands.Add(Action("bounce", "Delete the selected waiting recipients and send each sender a bounce saying so (needs --reason)", QueueAction.Bounce));

        var flush = new Command("flush", "Try every deferred recipient again now (the same as retry --all)");
        var flushActor = ActorOption();
        flush.Options.Add(flushActor);
        flush.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var result = await cli.Get<QueueOperations>().RunAsync(
                new QueueOperationRequest(QueueAction.Retry, QueueSelection.Everything, new AuditActor(parse.GetValue(flushActor)!, AuditActor.Cli), null), ct);
            if (result.Refused)
                return Output.Fail(result.Sentence);
            Output.Ok(result.Sentence);
            return 0;
        });
        queue.Subcommands.Add(flush);
        return queue;
    }

    static Option<string> ActorOption() =>
        new("--actor") { Description = "Who acts, as the audit trail keeps it (default: the OS user)", DefaultValueFactory = _ => Environment.UserName };

    static Command List()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var limit = new Option<int>("--limit") { Description = "At most this many lines (up to 10000)", DefaultValueFactory = _ => 200 };
        var command = new Command("list", "Waiting recipients (queued, deferred, being delivered, held) in arrival order") { limit, json };
        var selection = new SelectionOptions().AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            if (selection.Read(parse, out var error) is not { } chosen)
                return Output.Fail(error!);
            await using var cli = CliContext.Create(parse);
            var waiting = await cli.Get<QueueOperations>().ListAsync(chosen, parse.GetValue(limit), ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(waiting.Select(w => new
                {
                    w.Recipient.MessageId, w.Recipient.Address, Sender = w.Sender.Length == 0 ? "<>" : w.Sender, Status = w.Recipient.Status.ToName(),
                    w.Recipient.Attempts, w.ReceivedAt, w.Recipient.NextAttemptAt, w.Recipient.LastReply,
                }));
                return 0;
            }
            var table = new Table().AddColumns("Id", "Sender", "Recipient", "Status", "Tries", "Arrived", "Next try", "Last reply");
            foreach (var w in waiting)
            {
                var r = w.Recipient;
                table.AddRow(r.MessageId, Markup.Escape(w.Sender.Length == 0 ? "<>" : w.Sender), Markup.Escape(r.Address), Output.Status(r.Status),
                    r.Attempts.ToString(CultureInfo.InvariantCulture), Output.Time(w.ReceivedAt), r.Status == RecipientStatus.Held ? "-" : Output.Time(r.NextAttemptAt),
                    Markup.Escape(r.LastReply ?? ""));
            }
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"{waiting.Count} recipient(s) waiting{(chosen.HasCriteria ? Markup.Escape($" ({chosen})") : "")}.");
            return 0;
        });
        return command;
    }

    static Command Summary()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var by = new Option<string>("--by") { Description = "domain (the recipients'), sender (the senders' domain) or channel", DefaultValueFactory = _ => "domain" };
        var top = new Option<int>("--top") { Description = "The largest this many lines", DefaultValueFactory = _ => 20 };
        var command = new Command("summary", "What waits per destination domain (or sender, or channel) and age, with totals") { by, top, json };
        var selection = new SelectionOptions().AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            if (selection.Read(parse, out var error) is not { } chosen)
                return Output.Fail(error!);
            if (QueueSummary.ParseGrouping(parse.GetValue(by), out error) is not { } grouping)
                return Output.Fail(error!);
            await using var cli = CliContext.Create(parse);
            var summary = await cli.Get<QueueOperations>().SummaryAsync(chosen, grouping, parse.GetValue(top), ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(summary);
                return 0;
            }
            var table = new Table().AddColumn(grouping.ToString().ToLowerInvariant()).AddColumn(new TableColumn("total").RightAligned());
            foreach (var label in summary.Buckets)
                table.AddColumn(new TableColumn(Markup.Escape(label)).RightAligned());
            foreach (var row in summary.Rows.Prepend(summary.Total))
                table.AddRow([Markup.Escape(row.Key), row.Total.ToString(CultureInfo.InvariantCulture), .. row.Counts.Select(c => c.ToString(CultureInfo.InvariantCulture))]);
            AnsiConsole.Write(table);
            if (summary.OtherKeys > 0)
                AnsiConsole.MarkupLine($"{summary.OtherKeys} more {grouping.ToString().ToLowerInvariant()}(s) not shown; their recipients are in the total.");
            return 0;
        });
        return command;
    }

    static Command Action(string name, string description, QueueAction action)
    {
        var reason = new Option<string?>("--reason") { Description = "Why (kept in the audit trail and the recipients' events; required to delete)" };
        var actor = ActorOption();
        var dryRun = new Option<bool>("--dry-run") { Description = "Only say what would be touched" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command(name, description) { reason, actor, dryRun, json };
        var selection = new SelectionOptions().AddTo(command);
        command.SetAction(async (parse, ct) =>
        {
            if (selection.Read(parse, out var error) is not { } chosen)
                return Output.Fail(error!);
            await using var cli = CliContext.Create(parse);
            var result = await cli.Get<QueueOperations>().RunAsync(
                new QueueOperationRequest(action, chosen, new AuditActor(parse.GetValue(actor)!, AuditActor.Cli), parse.GetValue(reason), parse.GetValue(dryRun)), ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(new
                {
                    Action = QueueActions.Name(result.Action), Selection = result.Selection.ToString(), result.DryRun, result.Matched, result.Touched, result.Skipped,
                    result.AuditId, result.Sentence,
                });
                return result.Done ? 0 : 1;
            }
            if (!result.Done)
                return Output.Fail(result.Sentence);
            Output.Ok(result.Sentence);
            return 0;
        });
        return command;
    }
}
