using System.CommandLine;
using Outpost.Cli;
using Outpost.Engine.Accounts;
using Spectre.Console;

namespace Outpost.Commands;

/// <summary><c>outpost mailbox add|list|passwd</c>. Passwords come from standard input, never from the command line.</summary>
public static class MailboxCommands
{
    public static Command Create()
    {
        var mailbox = new Command("mailbox", "Hosted mailboxes");

        var address = new Argument<string>("address") { Description = "Mailbox address, e.g. alice@example.com" };
        var admin = new Option<bool>("--admin") { Description = "Domain admin: may send as any address of the domain" };
        var op = new Option<bool>("--operator") { Description = "Operator: manages every domain through the API, sees all mail" };
        var add = new Command("add", "Add a mailbox; the password is read from standard input") { address, admin, op };
        add.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            try
            {
                var password = ReadPassword();
                var added = await cli.Get<AccountService>().AddMailboxAsync(parse.GetValue(address)!, password,
                    parse.GetValue(op) ? MailboxRole.Operator : parse.GetValue(admin) ? MailboxRole.Admin : MailboxRole.User, ct);
                Output.Ok($"Mailbox {added.Address} added ({added.Role.ToString().ToLowerInvariant()}).");
                return 0;
            }
            catch (AccountException ex)
            {
                return Output.Fail(ex.Message);
            }
        });

        var domain = new Option<string?>("--domain") { Description = "Only this domain" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var list = new Command("list", "List mailboxes") { domain, json };
        list.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            var mailboxes = await cli.Get<IAccountStore>().ListMailboxesAsync(parse.GetValue(domain)?.ToLowerInvariant(), ct);
            if (parse.GetValue(json))
            {
                Output.WriteJson(mailboxes.Select(m => new { m.Address, m.Domain, Role = m.Role.ToString().ToLowerInvariant(), m.CreatedAt }));
                return 0;
            }
            var table = new Table().AddColumns("Address", "Role", "Added");
            foreach (var m in mailboxes)
                table.AddRow(m.Address, m.Role.ToString().ToLowerInvariant(), Output.Time(m.CreatedAt));
            AnsiConsole.Write(table);
            return 0;
        });

        var passwdAddress = new Argument<string>("address") { Description = "Mailbox address" };
        var passwd = new Command("passwd", "Set a mailbox's password, read from standard input") { passwdAddress };
        passwd.SetAction(async (parse, ct) =>
        {
            await using var cli = CliContext.Create(parse);
            try
            {
                await cli.Get<AccountService>().SetPasswordAsync(parse.GetValue(passwdAddress)!, ReadPassword(), ct);
                Output.Ok("Password changed.");
                return 0;
            }
            catch (AccountException ex)
            {
                return Output.Fail(ex.Message);
            }
        });

        mailbox.Subcommands.Add(add);
        mailbox.Subcommands.Add(list);
        mailbox.Subcommands.Add(passwd);
        return mailbox;
    }

    static string ReadPassword()
    {
        if (Console.IsInputRedirected)
            return Console.In.ReadLine()?.TrimEnd('\r', '\n') ?? throw new AccountException("No password on standard input.");
        return AnsiConsole.Prompt(new TextPrompt<string>("Password:").Secret());
    }
}
