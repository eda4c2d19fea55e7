using System.CommandLine;
using Outpost.Cli;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary><c>outpost log</c> (the send log) and <c>outpost status &lt;id&gt;</c> (one message, every attempt).</summary>
public static class LogCommands
{
    public static Command CreateLog()
    {
        var from = new Option<string?>("--from") { Description = "Sender address, or a domain" };
        var to = new Option<string?>("--to") { Description = "Recipient address, or a domain" };
        var status = new Option<string?>("--status") { Description = "queued, delivering, deferred, delivered, bounced, rejected or held" };
        var since = new Option<string?>("--since") { Description = "A time (2026-11-27T10:00Z) or a span back from now (30m, 2h, 7d)" };
        var limit = new Option<int>("--limit") { Description = "At most this many lines", DefaultValueFactory = _ => 100 };
        var refusals = new Option<bool>("--refusals") { Description = "Show refusals at SMTP time instead" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var log = new Command("log", "The send log: one line per recipient, newest first") { from, to, status, since, limit, refusals, json };
        log.SetAction(async (parse, ct) =>
        {
            DateTimeOffset? sinceTime;
            RecipientStatus? statusValue;
            try
            {
                sinceTime = ParseSince(parse.GetValue(since));
                statusValue = parse.GetValue(status) is { } s ? RecipientStatusNames.Parse(s) : null;
            }
            catch (ArgumentException ex)
            {
                return Output.Fail(ex.Message);
            }
            await using var cli = CliContext.Create(parse);
            var sendLog = cli.Get<ISendLog>();
            if (parse.GetValue(refusals))
            {
                var rows = await sendLog.RefusalsAsync(sinceTime, parse.GetValue(limit), null, ct);
                if (parse.GetValue(json))
                {
                    Output.WriteJson(rows);
                    return 0;
                }
                var t = new Table().AddColumns("Time", "Client", "User", "Sender", "Recipient", "Stage", "Reply");
                foreach (var r in rows)
                    t.AddRow(Output.Time(r.At), r.ClientIp, r.AuthUser ?? "", r.Sender ?? "", r.Recipient ?? "", r.Stage, Markup.Escape(r.Reply));
                AnsiConsole.Write(t);
                return 0;
            }

            var entries = await sendLog.QueryAsync(new LogQuery(parse.GetValue(from), parse.GetValue(to), statusValue, sinceTime, parse.GetValue(limit)), ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(entries.Select(e => new
                {
                    e.MessageId, e.ReceivedAt, e.Sender, e.Recipient, Status = e.Status.ToName(), e.Attempts, e.LastReply, e.Subject, e.UpdatedAt,
                }));
                return 0;
            }
            var table = new Table().AddColumns("Received", "Id", "From", "To", "Status", "Tries", "Last reply");
            foreach (var e in entries)
                table.AddRow(Output.Time(e.ReceivedAt), e.MessageId, Markup.Escape(e.Sender.Length == 0 ? "<>" : e.Sender), Markup.Escape(e.Recipient),
                    Output.Status(e.Status), e.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(e.LastReply ?? ""));
            AnsiConsole.Write(table);
            return 0;
        });
        return log;
    }

    public static Command CreateEvents()
    {
        var message = new Option<string?>("--message") { Description = "The events of one message (its queue id)" };
        var type = new Option<string?>("--type") { Description = string.Join(", ", LifecycleEvents.All) };
        var after = new Option<long>("--after") { Description = "Only events after this id (a reader's place)" };
        var limit = new Option<int>("--limit") { Description = "At most this many", DefaultValueFactory = _ => 100 };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("events", "Every recipient status change, in order, from the events outbox (refusals at submission too: rejected, suppressed)") { message, type, after, limit, json };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(type) is { } t && !LifecycleEvents.All.Contains(t))
                return Output.Fail($"'{t}' is not an event; use one of {string.Join(", ", LifecycleEvents.All)}.");
            await using var cli = CliContext.Create(parse);
            var events = await cli.Get<ISendLog>().EventsAsync(
                new EventQuery(parse.GetValue(after), parse.GetValue(message)?.Trim().ToUpperInvariant(), parse.GetValue(type), parse.GetValue(limit)), ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(events.Select(e => new
                {
                    e.Id, e.Type, e.MessageId, e.Sender, e.Recipient, From = e.From?.ToName(), To = e.To.ToName(), e.Reason,
                    Reply = e.Reply is null ? null : new { e.Reply.Code, e.Reply.Enhanced, e.Reply.Text }, e.Attempt, e.Channel, e.At,
                }));
                return 0;
            }
            var table = new Table().AddColumns("Id", "Time", "Event", "Message", "Sender", "Recipient", "Change", "Why");
            foreach (var e in events)
                table.AddRow(e.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Output.Time(e.At), e.Type, e.MessageId ?? "–",
                    Markup.Escape(e.Sender.Length == 0 ? "<>" : e.Sender), Markup.Escape(e.Recipient),
                    $"{e.From?.ToName() ?? "–"} → {e.To.ToName()}", Markup.Escape(e.Reply?.Text ?? e.Reason ?? ""));
            AnsiConsole.Write(table);
            return 0;
        });
        return command;
    }

    public static Command CreateStatus()
    {
        var id = new Argument<string>("id") { Description = "The queue id from the 250 reply (\"queued as …\")" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("status", "One message: each recipient's status, every attempt and every status change") { id, json };
        command.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var sendLog = cli.Get<ISendLog>();
            var report = await sendLog.GetReportAsync(parse.GetValue(id)!.Trim().ToUpperInvariant(), ct);
            if (report is null)
                return Output.Fail($"No message with the id {parse.GetValue(id)} is in the send log.");
            var events = await sendLog.EventsAsync(new EventQuery(MessageId: report.Message.Id, Limit: 1000), ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(new
                {
                    report.Message.Id, report.Message.Sender, report.Message.Subject, report.Message.Size, report.Message.AuthUser,
                    report.Message.ClientIp, report.Message.Source, report.Message.ReceivedAt, report.Message.ContentVerdict,
                    Recipients = report.Recipients.Select(r => new { r.Address, Status = r.Status.ToName(), r.Attempts, r.NextAttemptAt, r.LastReply }),
                    Attempts = report.Attempts.Select(a => new
                    {
                        a.Recipient, Outcome = a.Outcome.ToName(), a.Attempt.At, a.Attempt.Channel, a.Attempt.MxHost, a.Attempt.MxAddress,
                        a.Attempt.Code, a.Attempt.Reply, a.Attempt.Tls, a.Attempt.TlsPolicy, DurationMs = (long)a.Attempt.Duration.TotalMilliseconds,
                    }),
                    Events = events.Select(e => new { e.Id, e.Type, e.Recipient, From = e.From?.ToName(), To = e.To.ToName(), e.Reason, e.At }),
                });
                return 0;
            }
            var m = report.Message;
            AnsiConsole.MarkupLine($"[bold]{m.Id}[/]  from {Markup.Escape(m.Sender.Length == 0 ? "<>" : m.Sender)}  {m.Size} bytes  received {Output.Time(m.ReceivedAt)} via {m.Source}" +
                                   (m.AuthUser is null ? "" : $" as {Markup.Escape(m.AuthUser)}") + (m.ClientIp is null ? "" : $" from {m.ClientIp}"));
            if (m.Subject is not null)
                AnsiConsole.MarkupLine($"Subject: {Markup.Escape(m.Subject)}");
            if (m.ContentVerdict is not null)
                AnsiConsole.MarkupLine($"Content: {Markup.Escape(m.ContentVerdict)}");
            var recipients = new Table().AddColumns("Recipient", "Status", "Tries", "Next try", "Last reply");
            foreach (var r in report.Recipients)
                recipients.AddRow(Markup.Escape(r.Address), Output.Status(r.Status), r.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    r.Status is RecipientStatus.Deferred ? Output.Time(r.NextAttemptAt) : "", Markup.Escape(r.LastReply ?? ""));
            AnsiConsole.Write(recipients);
            var attempts = new Table().AddColumns("Time", "Recipient", "Result", "Via", "Server", "TLS", "TLS policy", "ms", "Reply");
            foreach (var a in report.Attempts)
                attempts.AddRow(Output.Time(a.Attempt.At), Markup.Escape(a.Recipient), Output.Status(a.Outcome), a.Attempt.Channel ?? "",
                    Markup.Escape($"{a.Attempt.MxHost} {(a.Attempt.MxAddress is null ? "" : $"[{a.Attempt.MxAddress}]")}".Trim()), a.Attempt.Tls ?? "",
                    Markup.Escape(a.Attempt.TlsPolicy ?? ""), ((long)a.Attempt.Duration.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(a.Attempt.Reply));
            AnsiConsole.Write(attempts);
            var history = new Table().AddColumns("Time", "Event", "Recipient", "Change", "Why");
            foreach (var e in events)
                history.AddRow(Output.Time(e.At), e.Type, Markup.Escape(e.Recipient), $"{e.From?.ToName() ?? "–"} → {e.To.ToName()}", Markup.Escape(e.Reply?.Text ?? e.Reason ?? ""));
            AnsiConsole.Write(history);
            return 0;
        });
        return command;
    }

    /// <summary>"30m", "2h", "7d" back from now, or an absolute time.</summary>
    public static DateTimeOffset? ParseSince(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        text = text.Trim();
        if (text.Length > 1 && long.TryParse(text[..^1], out var n) && n >= 0)
        {
            var span = text[^1] switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => (TimeSpan?)null,
            };
            if (span is { } value)
                return DateTimeOffset.UtcNow - value;
        }
        if (DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
            return at;
        throw new ArgumentException($"'{text}' is not a time; use e.g. 30m, 2h, 7d or 2026-11-27T10:00Z.");
    }
}
