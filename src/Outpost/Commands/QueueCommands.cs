using System.CommandLine;
using Outpost.Cli;
using Outpost.Engine.Queue;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary><c>outpost queue list|retry|flush|hold|release</c>: what waits, sending it again now, holding it back.</summary>
public static class QueueCommands
{
    public static Command Create()
    {
        var queue = new Command("queue", "The delivery queue");

        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var limit = new Option<int>("--limit") { Description = "At most this many lines", DefaultValueFactory = _ => 200 };
        var list = new Command("list", "Recipients not yet delivered or bounced") { limit, json };
        list.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var open = await cli.Get<IQueueStore>().ListOpenAsync(parse.GetValue(limit), ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(open.Select(r => new { r.MessageId, r.Address, Status = r.Status.ToName(), r.Attempts, r.NextAttemptAt, r.LastReply }));
                return 0;
            }
            var table = new Table().AddColumns("Id", "Recipient", "Status", "Tries", "Next try", "Last reply");
            foreach (var r in open)
                table.AddRow(r.MessageId, Markup.Escape(r.Address), Output.Status(r.Status), r.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Output.Time(r.NextAttemptAt), Markup.Escape(r.LastReply ?? ""));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"{open.Count} recipient(s) waiting.");
            return 0;
        });

        var flush = new Command("flush", "Try every deferred message again now");
        flush.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var (_, sentence) = await QueueActions.RetryAllAsync(cli.Get<IQueueStore>(), DateTimeOffset.UtcNow, ct);
            Output.Ok(sentence);
            return 0;
        });

        var retry = Action("retry", "Try a deferred message again now", QueueAction.Retry);
        var hold = Action("hold", "Keep a message in the queue without trying it, until released", QueueAction.Hold);
        var release = Action("release", "Release a held message: it is tried at once", QueueAction.Release);

        queue.Subcommands.Add(list);
        queue.Subcommands.Add(hold);
        queue.Subcommands.Add(release);
        queue.Subcommands.Add(retry);
        queue.Subcommands.Add(flush);
        return queue;
    }

    static Command Action(string name, string description, QueueAction action)
    {
        var id = new Argument<string>("id") { Description = "Queue id" };
        var command = new Command(name, description) { id };
        command.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var (count, sentence) = await QueueActions.ApplyAsync(cli.Get<IQueueStore>(), action, parse.GetValue(id)!, DateTimeOffset.UtcNow, ct);
            if (count == 0)
                return Output.Fail(sentence);
            Output.Ok(sentence);
            return 0;
        });
        return command;
    }
}
