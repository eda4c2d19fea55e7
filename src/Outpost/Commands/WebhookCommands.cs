using System.CommandLine;
using System.Globalization;
using Outpost.Cli;
using Outpost.Engine.Webhooks;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary>
/// <c>outpost webhook add|list|remove|test|pause|resume|attempts</c>: endpoints that receive the lifecycle
/// events, as an operator manages them (any domain's, and global ones for every domain).
/// </summary>
public static class WebhookCommands
{
    public static Command Create()
    {
        var webhook = new Command("webhook", "Webhook endpoints: signed lifecycle events (delivered, bounced, …) POSTed to a URL");
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var id = new Argument<long>("id") { Description = "The endpoint's id (webhook list)" };

        var url = new Argument<string>("url") { Description = "https://… (or http://…) that receives the events" };
        var domain = new Option<string?>("--domain") { Description = "Only mail sent from this domain (default: every domain)" };
        var events = new Option<string?>("--events") { Description = $"Comma-separated events (default: {string.Join(",", WebhookEventTypes.Default)}); any of {string.Join(", ", WebhookEventTypes.All)}" };
        var by = new Option<string>("--by") { Description = "Who adds or pauses it", DefaultValueFactory = _ => Environment.UserName };
        var add = new Command("add", "Add an endpoint; its signing secret is printed once") { url, domain, events, by, json };
        add.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            try
            {
                var (endpoint, secret) = await cli.Get<WebhookService>().AddAsync(null, parse.GetValue(domain), parse.GetValue(url), parse.GetValue(events), parse.GetValue(by)!, ct);
                if (parse.GetValue(json))
                {
                    Output.WriteJson(new { endpoint.Id, endpoint.Domain, endpoint.Url, endpoint.Events, Secret = secret });
                    return 0;
                }
                Output.Ok($"Webhook endpoint {endpoint.Id} added for {endpoint.Domain ?? "every domain"}: {endpoint.Url} ({string.Join(", ", endpoint.Events)}).");
                Console.WriteLine($"Its signing secret, shown only now: {secret}");
                return 0;
            }
            catch (ArgumentException e)
            {
                return Output.Fail(e.Message);
            }
        });

        var list = new Command("list", "Endpoints with their state and deliveries") { domain, json };
        list.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var service = cli.Get<WebhookService>();
            var only = parse.GetValue(domain)?.Trim().ToLowerInvariant();
            var endpoints = (await service.ListAsync(null, ct)).Where(e => only is null || e.Domain == only).ToList();
            var stats = await service.StatsAsync(ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(endpoints.Select(e =>
                {
                    var s = stats.GetValueOrDefault(e.Id, WebhookStats.None);
                    return new { e.Id, e.Domain, e.Url, e.Events, e.Enabled, e.PausedReason, e.PausedAt, e.CreatedBy, e.CreatedAt, s.Pending, s.Delivered, s.Failed };
                }));
                return 0;
            }
            var table = new Table().AddColumns("Id", "Domain", "URL", "Events", "State", "Pending", "Delivered", "Failed");
            foreach (var e in endpoints)
            {
                var s = stats.GetValueOrDefault(e.Id, WebhookStats.None);
                table.AddRow(e.Id.ToString(CultureInfo.InvariantCulture), e.Domain ?? "(every domain)", Markup.Escape(e.Url), string.Join(", ", e.Events),
                    e.PausedReason is { } reason ? $"[yellow]paused[/]: {Markup.Escape(reason)}" : "[green]active[/]",
                    s.Pending.ToString(CultureInfo.InvariantCulture), s.Delivered.ToString(CultureInfo.InvariantCulture), s.Failed.ToString(CultureInfo.InvariantCulture));
            }
            AnsiConsole.Write(table);
            return 0;
        });

        var remove = new Command("remove", "Remove an endpoint with its deliveries and attempts") { id };
        remove.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            if (!await cli.Get<WebhookService>().RemoveAsync(null, parse.GetValue(id), ct))
                return Output.Fail(WebhookService.NotFound(parse.GetValue(id)));
            Output.Ok($"Webhook endpoint {parse.GetValue(id)} removed.");
            return 0;
        });

        var test = new Command("test", "Send a signed test event now and print the answer") { id, json };
        test.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            if (await cli.Get<WebhookService>().TestAsync(null, parse.GetValue(id), ct) is not var (webhookId, response))
                return Output.Fail(WebhookService.NotFound(parse.GetValue(id)));
            var ms = ((long)response.Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            if (parse.GetValue(json))
                Output.WriteJson(new { WebhookId = webhookId, response.StatusCode, response.Error, DurationMs = ms, response.Succeeded });
            else if (response.Succeeded)
                Output.Ok($"Test event {webhookId} delivered: {response.Summary} in {ms} ms.");
            else
                Console.Error.WriteLine($"Test event {webhookId} failed: {response.Summary} after {ms} ms.");
            return response.Succeeded ? 0 : 1;
        });

        var pause = new Command("pause", "Stop sending to an endpoint; its events wait, none is lost") { id, by };
        pause.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            if (!await cli.Get<WebhookService>().PauseAsync(null, parse.GetValue(id), parse.GetValue(by)!, ct))
                return Output.Fail(WebhookService.NotFound(parse.GetValue(id)));
            Output.Ok($"Webhook endpoint {parse.GetValue(id)} is paused; resume it to send what waits.");
            return 0;
        });

        var resume = new Command("resume", "Send to a paused endpoint again, from where it stopped") { id };
        resume.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            if (await cli.Get<WebhookService>().ResumeAsync(null, parse.GetValue(id), ct) is not { } waiting)
                return Output.Fail(WebhookService.NotFound(parse.GetValue(id)));
            Output.Ok($"Webhook endpoint {parse.GetValue(id)} resumed; {waiting} waiting deliver{(waiting == 1 ? "y goes" : "ies go")} now.");
            return 0;
        });

        var limit = new Option<int>("--limit") { Description = "At most this many", DefaultValueFactory = _ => 50 };
        var attempts = new Command("attempts", "An endpoint's tries, newest first: time, event, answer, duration") { id, limit, json };
        attempts.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            if (await cli.Get<WebhookService>().AttemptsAsync(null, parse.GetValue(id), parse.GetValue(limit), ct) is not { } rows)
                return Output.Fail(WebhookService.NotFound(parse.GetValue(id)));
            if (parse.GetValue(json))
            {
                Output.WriteJson(rows.Select(a => new
                {
                    a.DeliveryId, WebhookId = a.EventId == 0 ? null : WebhookPayload.WebhookId(a.EventId), a.Type, a.MessageId, a.At, a.StatusCode, a.Error,
                    DurationMs = (long)a.Duration.TotalMilliseconds, Delivery = a.DeliveryStatus.ToString().ToLowerInvariant(), a.DeliveryAttempts,
                }));
                return 0;
            }
            var table = new Table().AddColumns("Time", "Event", "Message", "Answer", "ms", "Delivery");
            foreach (var a in rows)
                table.AddRow(Output.Time(a.At), a.EventId == 0 ? a.Type : $"{a.Type} ({WebhookPayload.WebhookId(a.EventId)})", a.MessageId ?? "",
                    Markup.Escape(new WebhookResponse(a.StatusCode, a.Error, a.Duration).Summary),
                    ((long)a.Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture),
                    $"{a.DeliveryStatus.ToString().ToLowerInvariant()} after {a.DeliveryAttempts} tr{(a.DeliveryAttempts == 1 ? "y" : "ies")}");
            AnsiConsole.Write(table);
            return 0;
        });

        webhook.Subcommands.Add(add);
        webhook.Subcommands.Add(list);
        webhook.Subcommands.Add(remove);
        webhook.Subcommands.Add(test);
        webhook.Subcommands.Add(pause);
        webhook.Subcommands.Add(resume);
        webhook.Subcommands.Add(attempts);
        return webhook;
    }
}
