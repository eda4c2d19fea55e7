using System.CommandLine;
using System.Net;
using Outpost.Cli;
using Outpost.Engine.Routing.Channels;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary><c>outpost channel add|list|remove|enable|disable</c> and <c>outpost route</c>.</summary>
public static class ChannelCommands
{
    public static Command Create()
    {
        var channel = new Command("channel", "Outbound channels: direct egress addresses and relays");

        var name = new Argument<string>("name") { Description = "A short name, e.g. eu-1" };
        var bind = new Option<string?>("--bind") { Description = "Direct: the source address to send from" };
        var helo = new Option<string?>("--helo") { Description = "Direct: the name to give in EHLO" };
        var relay = new Option<string?>("--relay") { Description = "Relay: host:port of the smart host" };
        var tls = new Option<RelayTls>("--tls") { Description = "Relay: starttls (required) or implicit", DefaultValueFactory = _ => RelayTls.StartTls };
        var user = new Option<string?>("--user") { Description = "Relay: AUTH user; the password is read from standard input" };
        var insecure = new Option<bool>("--no-verify-certificate") { Description = "Relay: accept any certificate (test setups only)" };
        var region = new Option<string?>("--region") { Description = "Sending region, e.g. eu" };
        var max = new Option<int>("--max-connections") { Description = "Connections at once through this channel (0: no limit)" };
        var weight = new Option<int>("--weight") { Description = "Among equals, higher weight goes first", DefaultValueFactory = _ => 100 };
        var add = new Command("add", "Add a channel") { name, bind, helo, relay, tls, user, insecure, region, max, weight };
        add.SetAction(async (parse, ct) =>
        {
            var channelName = parse.GetValue(name)!.Trim();
            if (channelName.Length == 0 || !channelName.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
                return Output.Fail("A channel name may hold only letters, digits, '-', '_' and '.'.");
            var relayText = parse.GetValue(relay);
            var bindText = parse.GetValue(bind);
            if (relayText is not null && bindText is not null)
                return Output.Fail("A channel is either direct (--bind) or a relay (--relay), not both.");
            if (bindText is not null && !IPAddress.TryParse(bindText, out _))
                return Output.Fail($"'{bindText}' is not an IP address.");
            string? host = null;
            var port = 0;
            if (relayText is not null)
            {
                var colon = relayText.LastIndexOf(':');
                if (colon <= 0 || !int.TryParse(relayText[(colon + 1)..], out port) || port is < 1 or > 65535)
                    return Output.Fail($"'{relayText}' is not host:port.");
                host = relayText[..colon].Trim('[', ']');
            }
            string? password = null;
            if (parse.GetValue(user) is not null)
                password = Console.IsInputRedirected ? Console.In.ReadLine() : AnsiConsole.Prompt(new TextPrompt<string>("Relay password:").Secret());

            await using var cli = CliContext.Create(parse);
            var store = cli.Get<IChannelStore>();
            if ((await store.ListAsync(ct)).Any(c => c.Name == channelName))
                return Output.Fail($"A channel named {channelName} exists already.");
            var created = new Channel(channelName, relayText is null ? ChannelKind.Direct : ChannelKind.Relay, bindText, parse.GetValue(helo), parse.GetValue(region),
                parse.GetValue(max), parse.GetValue(weight), true, host, port, parse.GetValue(tls), !parse.GetValue(insecure), parse.GetValue(user),
                password is null ? null : cli.Get<RelayPasswords>().Seal(password));
            await store.AddAsync(created, ct);
            Output.Ok($"Channel {channelName} added: {created.Describe()}{(created.Region is null ? "" : $", region {created.Region}")}.");
            return 0;
        });

        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var list = new Command("list", "Channels with their health: state, last error, when they are tried again") { json };
        list.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var store = cli.Get<IChannelStore>();
            var channels = await store.ListAsync(ct);
            var health = await store.HealthAsync(ct);
            var now = DateTimeOffset.UtcNow;
            var rows = channels.Select(c =>
            {
                var mine = health.Where(h => h.Channel == c.Name && h.Failures > 0).OrderByDescending(h => h.UpdatedAt).ToList();
                var cooling = mine.FirstOrDefault(h => h.CoolingDown(now));
                var state = !c.Enabled ? "disabled" : cooling is not null ? "cooling-down" : mine.Count > 0 ? "failing" : "healthy";
                return new
                {
                    c.Name, Kind = c.Kind.ToString().ToLowerInvariant(), Path = c.Describe(), c.Region, c.Weight, c.MaxConnections, State = state,
                    LastError = mine.FirstOrDefault()?.LastError, Destination = mine.FirstOrDefault()?.Destination, RetryAt = cooling?.SkipUntil,
                };
            }).ToList();
            if (parse.GetValue(json))
            {
                Output.WriteJson(rows);
                return 0;
            }
            if (rows.Count == 0)
                AnsiConsole.MarkupLine("No channel configured: mail goes out directly from any source address.");
            var table = new Table().AddColumns("Channel", "Path", "Region", "Weight", "State", "Last error", "Tried again");
            foreach (var r in rows)
                table.AddRow(r.Name, Markup.Escape(r.Path), r.Region ?? "", r.Weight.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    r.State == "healthy" ? "[green]healthy[/]" : $"[yellow]{r.State}[/]", Markup.Escape(r.LastError ?? ""), r.RetryAt is { } at ? Output.Time(at) : "");
            AnsiConsole.Write(table);
            return 0;
        });

        var target = new Argument<string>("name") { Description = "Channel name" };
        var remove = new Command("remove", "Remove a channel") { target };
        remove.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            if (!await cli.Get<IChannelStore>().RemoveAsync(parse.GetValue(target)!, ct))
                return Output.Fail($"There is no channel named {parse.GetValue(target)}.");
            Output.Ok($"Channel {parse.GetValue(target)} removed.");
            return 0;
        });
        channel.Subcommands.Add(add);
        channel.Subcommands.Add(list);
        channel.Subcommands.Add(remove);
        foreach (var (verb, enabled) in new[] { ("enable", true), ("disable", false) })
        {
            var which = new Argument<string>("name") { Description = "Channel name" };
            var command = new Command(verb, $"{(enabled ? "Enable" : "Disable")} a channel") { which };
            command.SetAction(async (parse, ct) =>
            {
                await using var cli = CliContext.Create(parse);
                if (!await cli.Get<IChannelStore>().SetEnabledAsync(parse.GetValue(which)!, enabled, ct))
                    return Output.Fail($"There is no channel named {parse.GetValue(which)}.");
                Output.Ok($"Channel {parse.GetValue(which)} {(enabled ? "enabled" : "disabled")}.");
                return 0;
            });
            channel.Subcommands.Add(command);
        }
        return channel;
    }

    public static Command CreateRoute()
    {
        var domain = new Argument<string>("recipient-domain") { Description = "The destination, e.g. gmail.com" };
        var from = new Option<string?>("--from") { Description = "The sender's domain" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var route = new Command("route", "The order in which channels would be tried for a destination, and why") { domain, from, json };
        route.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var selector = cli.Get<ChannelSelector>();
            var destination = parse.GetValue(domain)!.Trim().ToLowerInvariant();
            var order = await selector.OrderAsync(destination, parse.GetValue(from)?.Trim().ToLowerInvariant());
            if (parse.GetValue(json))
            {
                Output.WriteJson(order.Select((c, i) => new { Position = i + 1, c.Channel.Name, c.Why, c.Skipped }));
                return 0;
            }
            var region = selector.PreferredRegion(destination, parse.GetValue(from)?.Trim().ToLowerInvariant());
            AnsiConsole.MarkupLine(region is null ? "No region is preferred for this destination." : $"Preferred region: {Markup.Escape(region)}.");
            var table = new Table().AddColumns("#", "Channel", "Why", "Skipped");
            var n = 0;
            foreach (var c in order)
                table.AddRow((++n).ToString(System.Globalization.CultureInfo.InvariantCulture), c.Channel.Name, Markup.Escape(c.Why), Markup.Escape(c.Skipped ?? ""));
            AnsiConsole.Write(table);
            return 0;
        });
        return route;
    }
}
