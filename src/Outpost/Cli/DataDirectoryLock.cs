using System.Globalization;

namespace Outpost.Cli;

/// <summary>
/// The lock that keeps a second <c>outpost serve</c> off a data directory: an exclusive lock (flock) on
/// <c>&lt;data&gt;/outpost.lock</c>, held for the life of the process and let go by the kernel when it ends,
/// however it ends, so a crash leaves nothing to clear by hand. Two servers on one directory would claim and
/// deliver the same messages twice (SQLite is one node) and would share one node name (PostgreSQL).
/// The running server describes itself in <c>outpost.lock.owner</c> (the lock file itself cannot be read
/// while it is locked), so the refusal names it. Management commands do not take the lock: they work
/// beside the running server.
/// </summary>
public sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = Engine.Hosting.ServerLock.FileName;
    public const string OwnerFileName = Engine.Hosting.ServerLock.OwnerFileName;

    readonly FileStream _lock;

    DataDirectoryLock(FileStream held) => _lock = held;

    /// <summary>Takes the lock, or returns the sentence that refuses the start (the lock is taken by another process).</summary>
    public static (DataDirectoryLock? Lock, string? Refusal) Take(string dataDirectory)
    {
        var held = Engine.Hosting.ServerLock.TryTake(dataDirectory);
        if (held is null)
        {
            var owner = ReadOwner(dataDirectory);
            return (null, $"Another outpost serve is running on the data directory {Path.GetFullPath(dataDirectory)}{(owner is null ? "" : $" ({owner})")}; " +
                "stop it first, or give this one its own --data directory.");
        }
        var description = string.Create(CultureInfo.InvariantCulture,
            $"process {Environment.ProcessId} on {Environment.MachineName}, started {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z");
        File.WriteAllText(Path.Combine(dataDirectory, OwnerFileName), description + "\n");
        return (new DataDirectoryLock(held), null);
    }

    static string? ReadOwner(string dataDirectory)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(dataDirectory, OwnerFileName)).Trim();
            // Written by Outpost, but a limit all the same: the sentence stays one line.
            return text.Length == 0 ? null : new string(text.Take(200).Where(c => !char.IsControl(c)).ToArray());
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose() => _lock.Dispose();
}
