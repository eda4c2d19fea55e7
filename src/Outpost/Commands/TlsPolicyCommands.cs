using System.CommandLine;
using Outpost.Cli;
using Outpost.Engine.Delivery.Tls;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary><c>outpost tls-policy add|list|remove</c>: the per-destination TLS policy table, consulted before MTA-STS.</summary>
public static class TlsPolicyCommands
{
    /// <summary>Patterns per row; a partner has a handful of MX hosts at most.</summary>
    const int MaxPatterns = 20;

    public static Command Create()
    {
        var command = new Command("tls-policy", "The TLS policy per destination domain: none, may, encrypt or verify");

        var domain = new Argument<string>("domain") { Description = "The recipients' domain, e.g. partner.example" };
        var mode = new Argument<string>("mode") { Description = "none (no TLS), may (opportunistic), encrypt (TLS required), verify (TLS and a valid certificate required)" };
        var match = new Option<string[]>("--match") { Description = "Only MX hosts matching this (a host name, or *.domain); may be given several times", AllowMultipleArgumentsPerToken = false };
        var add = new Command("add", "Set a destination's TLS policy (replaces its row)") { domain, mode, match };
        add.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(domain)!.Trim().TrimEnd('.').ToLowerInvariant();
            if (!MxPattern.IsValid(name) || name.StartsWith('*'))
                return Output.Fail($"'{name}' is not a domain name.");
            var word = parse.GetValue(mode)!.Trim().ToLowerInvariant();
            if (TlsPolicyEntry.ModeOf(word) is null)
                return Output.Fail($"'{word}' is not a TLS policy; use one of {string.Join(", ", TlsPolicyEntry.Modes)}.");
            var patterns = (parse.GetValue(match) ?? []).Select(p => p.Trim().TrimEnd('.').ToLowerInvariant()).Distinct().ToList();
            if (patterns.Count > MaxPatterns)
                return Output.Fail($"A TLS policy takes at most {MaxPatterns} --match patterns.");
            if (patterns.FirstOrDefault(p => !MxPattern.IsValid(p)) is { } bad)
                return Output.Fail($"'{bad}' is not an MX host pattern; use a host name or *. and a domain.");
            await using var cli = CliContext.Create(parse);
            var entry = new TlsPolicyEntry(name, word, patterns, DateTimeOffset.UtcNow);
            await cli.Get<ITlsPolicyStore>().SetAsync(entry, ct);
            Output.Ok($"Mail to {name} now goes with TLS policy {word}{(patterns.Count > 0 ? $", only to MX hosts matching {string.Join(", ", patterns)}" : "")}.");
            return 0;
        });

        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var list = new Command("list", "The TLS policy table") { json };
        list.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var rows = await cli.Get<ITlsPolicyStore>().ListAsync(ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(rows.Select(r => new { r.Domain, r.Mode, r.Match, r.CreatedAt }));
                return 0;
            }
            var table = new Table().AddColumns("Domain", "Policy", "MX hosts", "Added");
            foreach (var r in rows)
                table.AddRow(Markup.Escape(r.Domain), r.Mode, Markup.Escape(r.Match.Count == 0 ? "any" : string.Join(", ", r.Match)), Output.Time(r.CreatedAt));
            AnsiConsole.Write(table);
            return 0;
        });

        var target = new Argument<string>("domain") { Description = "The destination domain whose row goes" };
        var remove = new Command("remove", "Remove a destination's row (its mail goes by MTA-STS or opportunistic TLS again)") { target };
        remove.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(target)!.Trim().TrimEnd('.').ToLowerInvariant();
            await using var cli = CliContext.Create(parse);
            if (!await cli.Get<ITlsPolicyStore>().RemoveAsync(name, ct))
                return Output.Fail($"{name} has no TLS policy in the table.");
            Output.Ok($"The TLS policy of {name} is removed.");
            return 0;
        });

        command.Subcommands.Add(add);
        command.Subcommands.Add(list);
        command.Subcommands.Add(remove);
        return command;
    }
}
