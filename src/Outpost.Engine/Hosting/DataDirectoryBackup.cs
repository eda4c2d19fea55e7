using System.Text.Json;
using Outpost.Engine.Metrics;
using Outpost.Engine.Secrets;

namespace Outpost.Engine.Hosting;

/// <summary>
/// <c>outpost backup DIR</c> and <c>outpost restore DIR</c>: what a server needs to go on where it stopped —
/// the database (a consistent online copy, <see cref="IDatabaseBackup"/>), the spool (the bytes of every
/// message not yet finished), the DKIM private keys, the Data Protection key ring (without it the sealed
/// relay passwords and webhook secrets cannot be read), the TLS files, a retrained content model and the old
/// secret box's key. Hosted mailboxes are the mailbox server's data and are not part of it.
/// The spool is copied before and after the database, so every message the copied database holds has its
/// file, unless it was delivered and removed in the moment between (it then stays without its bytes).
/// Talks to: the file system, the database's backup. Security: the backup holds private keys and the key
/// ring: it is made 0700/0600 like the data directory, and should be kept as carefully. A restore refuses
/// a data directory a server is running on or that is not empty, so it never mixes two states.
/// </summary>
public sealed class DataDirectoryBackup(string dataDirectory, IDatabaseBackup database)
{
    public const string ManifestName = "backup.json";
    const string SpoolDirectory = "spool";
    static readonly string[] Directories = ["dkim", KeyRingDirectory.DirectoryName, "tls", "policy"];
    static readonly string[] Files = [SecretBox.KeyFileName];
    const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    readonly string _data = Path.GetFullPath(dataDirectory);

    public async Task<BackupManifest> BackupAsync(string target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        target = Path.GetFullPath(target);
        if (!File.Exists(Path.Combine(_data, database.FileName)))
            throw new BackupException($"There is no Outpost database in {_data} to back up.");
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw new BackupException($"The backup directory {target} is not empty; give a new or empty directory.");
        if (IsInside(target, _data))
            throw new BackupException($"The backup directory {target} is inside the data directory {_data}; give one outside it.");
        MakeDirectory(target);

        var spool = Path.Combine(_data, SpoolDirectory);
        var spoolCopy = Path.Combine(target, SpoolDirectory);
        CopyTree(spool, spoolCopy, cancellationToken);
        await database.BackupToAsync(Path.Combine(target, database.FileName), cancellationToken);
        // Messages accepted while the database was copied.
        CopyTree(spool, spoolCopy, cancellationToken);
        var contents = new List<string> { database.FileName, SpoolDirectory };
        foreach (var name in Directories.Where(d => Directory.Exists(Path.Combine(_data, d))))
        {
            CopyTree(Path.Combine(_data, name), Path.Combine(target, name), cancellationToken);
            contents.Add(name);
        }
        foreach (var name in Files.Where(f => File.Exists(Path.Combine(_data, f))))
        {
            CopyFile(Path.Combine(_data, name), Path.Combine(target, name));
            contents.Add(name);
        }
        var manifest = new BackupManifest(BuildInfo.Version, BuildInfo.Commit, now,
            Directory.Exists(spoolCopy) ? Directory.GetFiles(spoolCopy, "*", SearchOption.AllDirectories).Length : 0, contents);
        await File.WriteAllTextAsync(Path.Combine(target, ManifestName), JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }), cancellationToken);
        return manifest;
    }

    public async Task<BackupManifest> RestoreAsync(string source, CancellationToken cancellationToken)
    {
        source = Path.GetFullPath(source);
        var manifestPath = Path.Combine(source, ManifestName);
        if (!File.Exists(manifestPath) || !File.Exists(Path.Combine(source, database.FileName)))
            throw new BackupException($"{source} is not an Outpost backup: it has no {ManifestName} and {database.FileName}.");
        var manifest = JsonSerializer.Deserialize<BackupManifest>(await File.ReadAllTextAsync(manifestPath, cancellationToken))
                       ?? throw new BackupException($"{manifestPath} is not a backup manifest.");
        if (Directory.Exists(_data) && ServerLock.IsHeld(_data))
            throw new BackupException($"A server is running on the data directory {_data}; stop it before restoring.");
        if (Directory.Exists(_data) && Directory.EnumerateFileSystemEntries(_data).Any(e => Path.GetFileName(e) is not (ServerLock.FileName or ServerLock.OwnerFileName)))
            throw new BackupException($"The data directory {_data} is not empty; restore into a new, empty directory (or move this one aside first).");
        MakeDirectory(_data);
        foreach (var entry in Directory.EnumerateFileSystemEntries(source))
        {
            var name = Path.GetFileName(entry);
            if (name == ManifestName)
                continue;
            if (Directory.Exists(entry))
                CopyTree(entry, Path.Combine(_data, name), cancellationToken);
            else
                CopyFile(entry, Path.Combine(_data, name));
        }
        return manifest;
    }

    static bool IsInside(string path, string directory) =>
        (path + Path.DirectorySeparatorChar).StartsWith(directory + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>Copies the files of a tree that are not in the copy yet (a second pass adds only the new ones).</summary>
    static void CopyTree(string from, string to, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(from))
            return;
        MakeDirectory(to);
        foreach (var directory in Directory.GetDirectories(from))
            CopyTree(directory, Path.Combine(to, Path.GetFileName(directory)), cancellationToken);
        foreach (var file in Directory.GetFiles(from))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var copy = Path.Combine(to, Path.GetFileName(file));
            if (File.Exists(copy))
                continue;
            try
            {
                CopyFile(file, copy);
            }
            catch (FileNotFoundException)
            {
                // Removed meanwhile: its message is finished.
            }
        }
    }

    static void CopyFile(string from, string to)
    {
        File.Copy(from, to);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(to, FileMode);
    }

    static void MakeDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }
        Directory.CreateDirectory(path, DirectoryMode);
        File.SetUnixFileMode(path, DirectoryMode);
    }
}
