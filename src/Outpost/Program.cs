using System.CommandLine;
using Outpost.Cli;
using Outpost.Commands;

// outpost: the command of the Outpost mail system. `outpost serve` runs it; the other commands manage
// domains, mailboxes and the queue, and read the send log, over the same data directory.
// The packaged program run as root works as the service's user, so the files it makes are the service's.
if (ServiceAccount.RunAsServiceUser(args) is { } asServiceUser)
    return asServiceUser;
var root = new RootCommand("Outpost: the outbound mail system of a domain-mail host")
{
    CliContext.DataOption,
    CliContext.ConfigOption,
    CliContext.EnvironmentOption,
    CliContext.VerboseOption,
};
// --version says the release and the commit it was built from, as /metrics and the web footer do.
foreach (var version in root.Options.OfType<VersionOption>())
    version.Action = new VersionAction();
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(DomainCommands.Create());
root.Subcommands.Add(MailboxCommands.Create());
root.Subcommands.Add(LogCommands.CreateLog());
root.Subcommands.Add(LogCommands.CreateStatus());
root.Subcommands.Add(LogCommands.CreateEvents());
root.Subcommands.Add(QueueCommands.Create());
root.Subcommands.Add(NodesCommand.Create());
root.Subcommands.Add(AuditCommands.Create());
root.Subcommands.Add(CheckCommand.Create());
root.Subcommands.Add(PolicyCommands.Create());
root.Subcommands.Add(ReviewCommands.Create());
root.Subcommands.Add(RestrictionCommands.Create());
root.Subcommands.Add(SuppressionCommands.Create());
root.Subcommands.Add(ComplaintCommands.Create());
root.Subcommands.Add(ChannelCommands.Create());
root.Subcommands.Add(TlsPolicyCommands.Create());
root.Subcommands.Add(TlsCommands.Create());
root.Subcommands.Add(ChannelCommands.CreateRoute());
root.Subcommands.Add(ApiKeyCommands.Create());
root.Subcommands.Add(PurgeCommand.Create());
root.Subcommands.Add(WebhookCommands.Create());
root.Subcommands.Add(DoctorCommand.Create());
root.Subcommands.Add(BackupCommands.CreateBackup());
root.Subcommands.Add(BackupCommands.CreateRestore());
// No response files: "@example.com" is a sender's domain (outpost queue hold --sender @example.com), not a file to read arguments from.
var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
return await CommandLineRunner.RunAsync(parse);
