using Microsoft.Data.Sqlite;
using Outpost.Engine.Hosting;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// The database copied with SQLite's online backup API: a consistent snapshot while the server goes on
/// writing (WAL), into one self-contained file (no -wal beside it), created 0600.
/// </summary>
public sealed class SqliteBackup(string dataDirectory) : IDatabaseBackup
{
    public string FileName => "outpost.db";

    public Task BackupToAsync(string targetFile, CancellationToken cancellationToken)
    {
        var source = Path.Combine(Path.GetFullPath(dataDirectory), FileName);
        if (!File.Exists(source))
            throw new FileNotFoundException($"There is no database in {dataDirectory} to back up.");
        if (!OperatingSystem.IsWindows())
            File.Create(targetFile, 0, FileOptions.None).Dispose();
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(targetFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using var from = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        using var to = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = targetFile, Pooling = false }.ToString());
        from.Open();
        to.Open();
        from.BackupDatabase(to);
        // The copy is a plain file of its own: no WAL left to carry along.
        using (var mode = to.CreateCommand())
        {
            mode.CommandText = "PRAGMA journal_mode = DELETE;";
            mode.ExecuteNonQuery();
        }
        return Task.CompletedTask;
    }
}
