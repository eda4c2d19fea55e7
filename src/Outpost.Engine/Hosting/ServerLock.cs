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

    /// <summary>Whether a server runs on <paramref name="dataDirectory"/> now.</summary>
    public static bool IsHeld(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
            return false;
        try
        {
            // FileShare.None is an exclusive, non-blocking flock on Linux: it fails at once while a server holds it.
            using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }
}
