using System.CommandLine;
using System.Globalization;
using Outpost.Cli;
using Outpost.Engine.Queue;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary>
/// <c>outpost nodes [--json]</c>: the nodes sharing the queue (on SQLite, the one node), each with its last
/// heartbeat, the leases it holds now, its version and when it started; one whose last beat is older than
/// the lease time is shown as gone (<see cref="NodeList"/>). It reads the database only, beside the server.
/// </summary>
public static class NodesCommand
{
    public static Command Create()
    {
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var command = new Command("nodes", "List the nodes sharing the queue: last heartbeat, leases held now, version, started; gone when silent longer than the lease time") { json };
        command.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var nodes = await cli.Get<NodeList>().ListAsync(ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(nodes.Select(n => new { n.Id, n.Status, n.LastBeat, n.LeasesHeld, n.Version, n.StartedAt, n.Host }));
                return ExitCodes.Ok;
            }
            if (nodes.Count == 0)
            {
                AnsiConsole.WriteLine("No node has started on this database yet; a node appears here once `outpost serve` runs.");
                return ExitCodes.Ok;
            }
            var table = new Table().AddColumns("Node", "State", "Last heartbeat", "Leases held", "Version", "Started", "Host");
            foreach (var n in nodes)
                table.AddRow(Markup.Escape(n.Id), n.Gone ? "[red]gone[/]" : "[green]live[/]", Output.Time(n.LastBeat),
                    n.LeasesHeld.ToString(CultureInfo.InvariantCulture), Markup.Escape(n.Version), Output.Time(n.StartedAt), Markup.Escape(n.Host));
            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
