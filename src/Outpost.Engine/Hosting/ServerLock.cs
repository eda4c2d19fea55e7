namespace Outpost.Engine.Hosting;

/// <summary>
/// Whether an <c>outpost serve</c> runs on a data directory: it holds an exclusive lock (flock) on
/// <c>&lt;data&gt;/outpost.lock</c> for as long as it runs (taken by the command's <c>DataDirectoryLock</c>,
/// which also writes <see cref="OwnerFileName"/>), and the kernel lets it go when the process ends, however
/// it ends. A restore into a directory a server runs on is refused on this probe.
/// </summary>
public static class ServerLock
{
    public const string FileName = "outpost.lock";

    /// <summary>Who holds the lock, written beside it (the lock file itself cannot be read while it is locked).</summary>
    public const string OwnerFileName = "outpost.lock.owner";

    /// <summary>
    /// The lock taken, or null when another process holds it: FileShare.None is an exclusive, non-blocking
    /// flock on Linux, so a second process fails at once.
    /// </summary>
    public static FileStream? TryTake(string dataDirectory, FileMode mode = FileMode.OpenOrCreate)
    {
        try
        {
            return new FileStream(Path.Combine(dataDirectory, FileName), mode, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (mode != FileMode.Open || File.Exists(Path.Combine(dataDirectory, FileName)))
        {
            return null;
        }
    }

    /// <summary>Whether a server runs on <paramref name="dataDirectory"/> now.</summary>
    public static bool IsHeld(string dataDirectory)
    {
        if (!File.Exists(Path.Combine(dataDirectory, FileName)))
            return false;
        using var probe = TryTake(dataDirectory, FileMode.Open);
        return probe is null;
    }
}
