using System.CommandLine;
using System.Globalization;
using Outpost.Cli;
using Outpost.Engine.Complaints;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary>
/// <c>outpost complaints list|show|rate|read</c>: the feedback mailbox's reports, what each was matched to
/// (or why it could not be), the complaint rate per sending domain, and reading a report from a file.
/// </summary>
public static class ComplaintCommands
{
    public static Command Create()
    {
        var complaints = new Command("complaints", "Complaints: feedback-loop reports (ARF) and forwarded complaints, and the complaint rate");
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var domain = new Option<string?>("--domain") { Description = "Only this sending domain" };

        var status = new Option<string?>("--status") { Description = string.Join(", ", ComplaintStatuses.All) };
        var limit = new Option<int>("--limit") { Description = "At most this many", DefaultValueFactory = _ => 100 };
        var list = new Command("list", "Complaints, newest first; unmatched ones say why") { domain, status, limit, json };
        list.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(status) is { } s && !ComplaintStatuses.All.Contains(s))
                return Output.Fail($"'{s}' is not a complaint status; use one of {string.Join(", ", ComplaintStatuses.All)}.");
            await using var cli = CliContext.Create(parse);
            var rows = await cli.Get<ComplaintService>().ListAsync(new ComplaintQuery(parse.GetValue(domain), parse.GetValue(status), Limit: parse.GetValue(limit)), ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(rows);
                return 0;
            }
            var table = new Table().AddColumns("Id", "Received", "Status", "Kind", "Type", "Message", "Complainer", "Sender", "What came of it");
            foreach (var c in rows)
                table.AddRow(c.Id.ToString(CultureInfo.InvariantCulture), Output.Time(c.ReceivedAt), Markup.Escape(c.Status), Markup.Escape(c.Kind),
                    Markup.Escape(c.FeedbackType ?? ""), Markup.Escape(c.MessageId ?? ""), Markup.Escape(c.Complainer ?? ""), Markup.Escape(c.Sender ?? ""), Markup.Escape(c.Explanation));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"{rows.Count} complaint(s).");
            return 0;
        });

        var id = new Argument<long>("id") { Description = "The complaint's id, as listed" };
        var raw = new Option<bool>("--raw") { Description = "Print the report as it arrived (as much as was kept)" };
        var show = new Command("show", "One complaint: what the report said and what came of it") { id, raw, json };
        show.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var service = cli.Get<ComplaintService>();
            if (await service.GetAsync(parse.GetValue(id), ct) is not { } c)
                return Output.Fail($"There is no complaint {parse.GetValue(id)}.");
            if (parse.GetValue(raw))
            {
                var bytes = await service.RawAsync(c.Id, ct) ?? [];
                await using var stdout = Console.OpenStandardOutput();
                await stdout.WriteAsync(bytes, ct);
                return 0;
            }
            if (parse.GetValue(json))
            {
                Output.WriteJson(c);
                return 0;
            }
            var grid = new Grid().AddColumn().AddColumn();
            void Row(string name, string? value)
            {
                if (!string.IsNullOrEmpty(value))
                    grid.AddRow(name, Markup.Escape(value));
            }
            Row("Complaint", c.Id.ToString(CultureInfo.InvariantCulture));
            Row("Received", Output.Time(c.ReceivedAt) + $" via {c.Via}" + (c.ReportAddress is null ? "" : $" to {c.ReportAddress}") + (c.ReadBy is null ? "" : $" by {c.ReadBy}"));
            Row("Status", c.Status);
            Row("What came of it", c.Explanation);
            Row("Kind", c.Kind + (c.FeedbackType is null ? "" : $", {c.FeedbackType}"));
            Row("Reporter", c.Reporter);
            Row("User-Agent", c.UserAgent);
            Row("Arrival-Date", c.ArrivalDate is { } at ? Output.Time(at) : null);
            Row("Source-IP", c.SourceIp);
            Row("Reported-Domain", c.ReportedDomain);
            Row("Original-Mail-From", c.OriginalMailFrom);
            Row("Original-Rcpt-To", c.OriginalRcptTo);
            Row("Comment", c.Comment);
            Row("Message", c.MessageId is null ? null : $"{c.MessageId} ({MatchMethods.Words(c.MatchedBy ?? "")})");
            Row("Sender", c.Sender);
            Row("Subject", c.Subject);
            Row("Complainer", c.Complainer);
            Row("Report size", c.RawSize.ToString("N0", CultureInfo.InvariantCulture) + " bytes" + (c.RawTruncated ? " (kept in part)" : ""));
            AnsiConsole.Write(grid);
            return 0;
        });

        var days = new Option<int?>("--days") { Description = "The window in days (default: Complaints:RateWindow, 30 days)" };
        var rate = new Command("rate", "The complaint rate per sending domain: complaints against external recipients delivered") { domain, days, json };
        rate.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(days) is <= 0)
                return Output.Fail("--days must be 1 or more.");
            await using var cli = CliContext.Create(parse);
            var rates = await cli.Get<ComplaintService>().RatesAsync(parse.GetValue(domain), parse.GetValue(days) is { } d ? TimeSpan.FromDays(d) : null, ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(rates.Select(r => new { r.Domain, r.Complaints, r.Delivered, r.Rate, r.Level, r.Since, r.Until, Sentence = r.Sentence() }));
                return 0;
            }
            var table = new Table().AddColumns("Domain", "Complaints", "Delivered", "Rate", "");
            foreach (var r in rates)
                table.AddRow(r.Domain, r.Complaints.ToString(CultureInfo.InvariantCulture), r.Delivered.ToString(CultureInfo.InvariantCulture),
                    r.Rate is { } x ? (x * 100).ToString("0.000", CultureInfo.InvariantCulture) + " %" : "–", Markup.Escape(r.Sentence()));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine("Mailbox providers expect under 0.1 %; at 0.3 % they refuse mail or send it to spam.");
            return 0;
        });

        var file = new Argument<string>("file") { Description = "A report or forwarded complaint as a message file (.eml)" };
        var by = new Option<string>("--by") { Description = "Who hands it in", DefaultValueFactory = _ => Environment.UserName };
        var read = new Command("read", "Read a report from a file, as if it had arrived at a feedback address") { file, by, json };
        read.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
                return Output.Fail($"The file {path} does not exist.");
            await using var cli = CliContext.Create(parse);
            Complaint complaint;
            await using (var stream = File.OpenRead(path))
                complaint = await cli.Get<ComplaintReader>().ReadAsync(stream, new ReportOrigin(ReportOrigin.Cli, By: parse.GetValue(by)), ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(complaint);
                return 0;
            }
            Output.Ok($"Complaint {complaint.Id} ({complaint.Status}): {complaint.Explanation}");
            return 0;
        });

        complaints.Subcommands.Add(list);
        complaints.Subcommands.Add(show);
        complaints.Subcommands.Add(rate);
        complaints.Subcommands.Add(read);
        return complaints;
    }
}
