using System.CommandLine;
using Outpost.Cli;
using Outpost.Engine.Review;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary><c>outpost review list|release|refuse</c>: messages the content model held for an operator's decision.</summary>
public static class ReviewCommands
{
    public static Command Create()
    {
        var review = new Command("review", "Messages held for review by the content model (R1)");

        var all = new Option<bool>("--all") { Description = "Also the decided ones (newest first)" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var list = new Command("list", "Messages waiting for review, oldest first") { all, json };
        list.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var items = await cli.Get<ReviewService>().ListAsync(!parse.GetValue(all), 500, ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(items);
                return 0;
            }
            if (items.Count == 0)
            {
                AnsiConsole.WriteLine(parse.GetValue(all) ? "No message was ever held for review." : "No message is waiting for review.");
                return 0;
            }
            var table = new Table().AddColumns("Message", "Held since", "Sender", "Subject", "Looks like", "Evidence", "Decision");
            foreach (var i in items)
                table.AddRow(i.MessageId, Output.Time(i.CreatedAt), Markup.Escape(i.Sender), Markup.Escape(i.Subject ?? ""),
                    $"{i.Label} {i.Probability:0.00}", Markup.Escape(i.Evidence),
                    i.Decision is null ? $"[yellow]waiting ({i.HeldRecipients})[/]" : Markup.Escape($"{i.Decision} by {i.DecidedBy}"));
            AnsiConsole.Write(table);
            return 0;
        });

        review.Subcommands.Add(list);
        review.Subcommands.Add(Decide("release", "Release a held message: its external recipients are tried now, and it joins the local corpus as business",
            (s, id, by, reason, ct) => s.ReleaseAsync(id, by, reason, ct)));
        review.Subcommands.Add(Decide("refuse", "Refuse a held message: the sender gets a bounce with the reason, it counts as a violation, and it joins the local corpus under its class",
            (s, id, by, reason, ct) => s.RefuseAsync(id, by, reason, ct)));
        return review;
    }

    static Command Decide(string name, string description, Func<ReviewService, string, string, string?, CancellationToken, Task<(bool Done, string Sentence)>> action)
    {
        var id = new Argument<string>("message-id") { Description = "The queue id, as the review list shows it" };
        var by = new Option<string>("--by") { Description = "Who decides (kept with the decision)", DefaultValueFactory = _ => Environment.UserName };
        var reason = new Option<string?>("--reason") { Description = "Why (kept with the decision)" };
        var command = new Command(name, description) { id, by, reason };
        command.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var (done, sentence) = await action(cli.Get<ReviewService>(), parse.GetValue(id)!, parse.GetValue(by)!, parse.GetValue(reason), ct);
            if (!done)
                return Output.Fail(sentence);
            Output.Ok(sentence);
            return 0;
        });
        return command;
    }
}
