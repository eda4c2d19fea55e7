using System.CommandLine;
using Outpost.Cli;
using Outpost.Engine.Suppression;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary><c>outpost suppression list|add|remove|import|export</c>: the addresses a sending domain no longer sends to.</summary>
public static class SuppressionCommands
{
    public static Command Create()
    {
        var suppression = new Command("suppression", "Suppression lists: addresses that bounced for good, per sending domain");
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var domainFilter = new Option<string?>("--domain") { Description = "Only this sending domain" };
        var search = new Option<string?>("--search") { Description = "Only addresses containing this" };
        var limit = new Option<int>("--limit") { Description = "At most this many", DefaultValueFactory = _ => 200 };

        var list = new Command("list", "Suppressed addresses, newest first") { domainFilter, search, limit, json };
        list.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var rows = await cli.Get<SuppressionService>().ListAsync(parse.GetValue(domainFilter), parse.GetValue(search), parse.GetValue(limit), ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(rows);
                return 0;
            }
            var table = new Table().AddColumns("Domain", "Address", "Since", "Source", "Until", "Reason");
            foreach (var s in rows)
                table.AddRow(s.Domain, Markup.Escape(s.Address), Output.Time(s.CreatedAt), s.Source + (s.CreatedBy is null ? "" : $" ({Markup.Escape(s.CreatedBy)})"),
                    s.ExpiresAt is { } end ? Output.Time(end) : "", Markup.Escape(s.Reason));
            AnsiConsole.Write(table);
            AnsiConsole.MarkupLine($"{rows.Count} address(es).");
            return 0;
        });

        var address = new Argument<string>("address") { Description = "The recipient address" };
        var domain = new Option<string>("--domain") { Description = "The sending domain whose list it is", Required = true };
        var reason = new Option<string?>("--reason") { Description = "Why (shown to senders in the refusal)" };
        var by = new Option<string>("--by") { Description = "Who adds or removes it", DefaultValueFactory = _ => Environment.UserName };
        var days = new Option<int?>("--days") { Description = "Lapse after this many days (default: never)" };
        var add = new Command("add", "Suppress an address for a sending domain") { address, domain, reason, by, days };
        add.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            try
            {
                var lasting = parse.GetValue(days) is { } d ? (d > 0 ? TimeSpan.FromDays(d) : throw new ArgumentException("--days must be 1 or more.")) : (TimeSpan?)null;
                var entry = await cli.Get<SuppressionService>().AddAsync(parse.GetValue(domain)!, parse.GetValue(address)!, parse.GetValue(reason), parse.GetValue(by)!, lasting, cancellationToken: ct);
                Output.Ok($"{entry.Address} is suppressed for {entry.Domain}.");
                return 0;
            }
            catch (ArgumentException e)
            {
                return Output.Fail(e.Message);
            }
        });

        var remove = new Command("remove", "Let mail go to an address again") { address, domain };
        remove.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            try
            {
                var removed = await cli.Get<SuppressionService>().RemoveAsync(parse.GetValue(domain)!, parse.GetValue(address)!, ct);
                if (!removed)
                    return Output.Fail($"{parse.GetValue(address)} is not suppressed for {parse.GetValue(domain)}.");
                Output.Ok($"{parse.GetValue(address)} is no longer suppressed for {parse.GetValue(domain)}.");
                return 0;
            }
            catch (ArgumentException e)
            {
                return Output.Fail(e.Message);
            }
        });

        var file = new Argument<string>("file") { Description = "A CSV file: address[,reason] per line, or an export" };
        var import = new Command("import", "Suppress every address of a CSV file for a sending domain") { file, domain, by };
        import.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var service = cli.Get<SuppressionService>();
            var path = parse.GetValue(file)!;
            if (!File.Exists(path))
                return Output.Fail($"The file {path} does not exist.");
            List<(string Address, string? Reason)> rows;
            try
            {
                using var reader = new StreamReader(path);
                rows = SuppressionCsv.Read(reader).ToList(); // all or nothing: a bad line stops the import before anything is written
            }
            catch (InvalidDataException e)
            {
                return Output.Fail($"Nothing imported. {e.Message}");
            }
            foreach (var (a, r) in rows)
                await service.AddAsync(parse.GetValue(domain)!, a, r, parse.GetValue(by)!, source: SuppressionSources.Import, cancellationToken: ct);
            Output.Ok($"{rows.Count} address(es) suppressed for {parse.GetValue(domain)!.Trim().ToLowerInvariant()}.");
            return 0;
        });

        var export = new Command("export", "Write suppressed addresses as CSV to standard output") { domainFilter };
        export.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var rows = await cli.Get<SuppressionService>().ListAsync(parse.GetValue(domainFilter), null, int.MaxValue, ct);
            SuppressionCsv.Write(Console.Out, rows);
            return 0;
        });

        suppression.Subcommands.Add(list);
        suppression.Subcommands.Add(add);
        suppression.Subcommands.Add(remove);
        suppression.Subcommands.Add(import);
        suppression.Subcommands.Add(export);
        return suppression;
    }
}
