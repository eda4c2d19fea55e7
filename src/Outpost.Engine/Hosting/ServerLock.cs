namespace Outpost.Engine.Hosting;

/// <summary>
/// <c>&lt;data&gt;/outpost.lock</c>, held by <c>outpost serve</c> for as long as it runs (an advisory lock the
/// kernel lets go when the process ends, however it ends), so that a second server, or a restore, on the
/// same data directory is refused instead of corrupting it.
/// </summary>
public static class ServerLock
{
    public const string FileName = "outpost.lock";

    /// <summary>The held lock, or null when another process holds it.</summary>
    public static FileStream? TryAcquire(string dataDirectory)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            return new FileStream(Path.Combine(dataDirectory, FileName), options);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Whether a server runs on <paramref name="dataDirectory"/> now.</summary>
    public static bool IsHeld(string dataDirectory)
    {
        if (!File.Exists(Path.Combine(dataDirectory, FileName)))
            return false;
        using var probe = TryAcquire(dataDirectory);
        return probe is null;
    }
}
