using System.CommandLine;
using Outpost.Cli;
using Outpost.Engine.Accounts;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary><c>outpost domain add|list|plan</c>.</summary>
public static class DomainCommands
{
    public static Command Create()
    {
        var domain = new Command("domain", "Hosted domains");

        var name = new Argument<string>("domain") { Description = "Domain name, e.g. example.com" };
        var plan = new Option<Plan>("--plan") { Description = "free or paid", DefaultValueFactory = _ => Plan.Paid };
        var add = new Command("add", "Host a domain") { name, plan };
        add.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            try
            {
                var added = await cli.Get<AccountService>().AddDomainAsync(parse.GetValue(name)!, parse.GetValue(plan), ct);
                Output.Ok($"Domain {added.Name} added on the {added.Plan.ToString().ToLowerInvariant()} plan.");
                Console.WriteLine($"Before it can send to external recipients, publish its sending DNS records: outpost domain dns {added.Name}");
                return 0;
            }
            catch (AccountException ex)
            {
                return Output.Fail(ex.Message);
            }
        });

        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var list = new Command("list", "List hosted domains") { json };
        list.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var domains = await cli.Get<IAccountStore>().ListDomainsAsync(ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(domains.Select(d => new { d.Name, Plan = d.Plan.ToString().ToLowerInvariant(), d.CreatedAt }));
                return 0;
            }
            var table = new Table().AddColumns("Domain", "Plan", "Added");
            foreach (var d in domains)
                table.AddRow(d.Name, d.Plan.ToString().ToLowerInvariant(), Output.Time(d.CreatedAt));
            AnsiConsole.Write(table);
            return 0;
        });

        var planName = new Argument<string>("domain") { Description = "Domain name" };
        var planValue = new Argument<Plan>("plan") { Description = "free or paid" };
        var setPlan = new Command("plan", "Change a domain's plan") { planName, planValue };
        setPlan.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            try
            {
                await cli.Get<AccountService>().SetPlanAsync(parse.GetValue(planName)!, parse.GetValue(planValue), ct);
                Output.Ok($"The plan of {parse.GetValue(planName)} is now {parse.GetValue(planValue).ToString().ToLowerInvariant()}.");
                return 0;
            }
            catch (AccountException ex)
            {
                return Output.Fail(ex.Message);
            }
        });

        domain.Subcommands.Add(add);
        domain.Subcommands.Add(list);
        domain.Subcommands.Add(setPlan);
        domain.Subcommands.Add(DomainDnsCommands.CreateDns());
        domain.Subcommands.Add(DomainDnsCommands.CreateDkim());
        return domain;
    }
}
