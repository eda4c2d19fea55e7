using System.CommandLine;
using Outpost.Cli;
using Outpost.Engine.Hosting;
using Outpost.Storage.Sqlite;

namespace Outpost.Commands;

/// <summary>
/// <c>outpost backup DIR</c>: a consistent copy of the data directory while the server runs;
/// <c>outpost restore DIR</c>: that copy into a new, empty data directory, with no server running on it.
/// </summary>
public static class BackupCommands
{
    const string PostgresRefusal = "With Storage:Provider postgres, back up the database with pg_dump; outpost backup copies the embedded SQLite database.";

    public static Command CreateBackup()
    {
        var directory = new Argument<string>("directory") { Description = "A new or empty directory for the backup" };
        var command = new Command("backup", "Copy the database (online), the spool, the DKIM keys and the key ring into a directory") { directory };
        command.SetAction(async (parse, ct) =>
        {
            var options = CliContext.LoadOptions(parse);
            if (options.Storage.IsPostgres)
                return Output.Fail(PostgresRefusal);
            try
            {
                var target = Path.GetFullPath(parse.GetValue(directory)!);
                var manifest = await new DataDirectoryBackup(options.DataDirectory, new SqliteBackup(options.DataDirectory)).BackupAsync(target, DateTimeOffset.UtcNow, ct);
                Output.Ok($"Backed up {options.DataDirectory} into {target}: {string.Join(", ", manifest.Contents)} ({manifest.SpoolFiles} spool files). " +
                          "It holds the private keys and the key ring: keep it as safe as the server.");
                return 0;
            }
            catch (BackupException e)
            {
                return Output.Fail(e.Message);
            }
        });
        return command;
    }

    public static Command CreateRestore()
    {
        var directory = new Argument<string>("directory") { Description = "A directory made by outpost backup" };
        var command = new Command("restore", "Restore a backup into the data directory (--data), which must be new or empty, with no server running on it") { directory };
        command.SetAction(async (parse, ct) =>
        {
            var options = CliContext.LoadOptions(parse);
            if (options.Storage.IsPostgres)
                return Output.Fail("With Storage:Provider postgres, restore the database with pg_restore; outpost restore writes the embedded SQLite database.");
            try
            {
                var source = Path.GetFullPath(parse.GetValue(directory)!);
                var manifest = await new DataDirectoryBackup(options.DataDirectory, new SqliteBackup(options.DataDirectory)).RestoreAsync(source, ct);
                Output.Ok($"Restored the backup of {manifest.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC (outpost {manifest.Version}) into {options.DataDirectory}; " +
                          "start outpost serve there, and queued mail goes on.");
                return 0;
            }
            catch (BackupException e)
            {
                return Output.Fail(e.Message);
            }
        });
        return command;
    }
}
