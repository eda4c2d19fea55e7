using System.CommandLine;
using Outpost.Cli;
using Outpost.Engine.Accounts;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary><c>outpost apikey create|list|revoke</c>: keys for the HTTP API, shown once, stored hashed.</summary>
public static class ApiKeyCommands
{
    public static Command Create()
    {
        var apikey = new Command("apikey", "API keys for the HTTP API");

        var domain = new Option<string?>("--domain") { Description = "A key for a whole domain (sends as any of its addresses)" };
        var mailbox = new Option<string?>("--mailbox") { Description = "A key for one mailbox" };
        var create = new Command("create", "Make a key; it is shown once") { domain, mailbox };
        create.SetAction(async (parse, ct) =>
        {
            var (scope, subject) = (parse.GetValue(domain), parse.GetValue(mailbox)) switch
            {
                ({ } d, null) => ("domain", d),
                (null, { } m) => ("mailbox", m),
                _ => ("", ""),
            };
            if (scope.Length == 0)
                return Output.Fail("Give either --domain or --mailbox.");
            await using var cli = CliContext.Create(parse);
            try
            {
                var (key, secret) = await cli.Get<ApiKeys>().CreateAsync(scope, subject, ct);
                Console.WriteLine(secret);
                Console.Error.WriteLine($"API key {key.Id} for the {scope} {key.Subject}. Keep it now: it cannot be shown again.");
                return 0;
            }
            catch (AccountException ex)
            {
                return Output.Fail(ex.Message);
            }
        });

        var list = new Command("list", "Keys (never their secrets)");
        list.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var table = new Table().AddColumns("Id", "Scope", "For", "Created", "Revoked");
            foreach (var k in await cli.Get<IApiKeyStore>().ListAsync(ct))
                table.AddRow(k.Id, k.Scope, Markup.Escape(k.Subject), Output.Time(k.CreatedAt), k.RevokedAt is { } r ? Output.Time(r) : "");
            AnsiConsole.Write(table);
            return 0;
        });

        var id = new Argument<string>("id") { Description = "The key's id (the part after op_)" };
        var revoke = new Command("revoke", "Revoke a key") { id };
        revoke.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            if (!await cli.Get<IApiKeyStore>().RevokeAsync(parse.GetValue(id)!.Trim(), DateTimeOffset.UtcNow, ct))
                return Output.Fail($"There is no active key {parse.GetValue(id)}.");
            Output.Ok($"Key {parse.GetValue(id)} revoked.");
            return 0;
        });

        apikey.Subcommands.Add(create);
        apikey.Subcommands.Add(list);
        apikey.Subcommands.Add(revoke);
        return apikey;
    }
}
