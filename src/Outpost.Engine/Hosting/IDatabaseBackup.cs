namespace Outpost.Engine.Hosting;

/// <summary>A consistent copy of the database while the server runs, written as one file (the embedded back end).</summary>
public interface IDatabaseBackup
{
    /// <summary>The database's file name inside the data directory and the backup alike.</summary>
    string FileName { get; }

    Task BackupToAsync(string targetFile, CancellationToken cancellationToken);
}
