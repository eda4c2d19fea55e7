namespace Outpost.Engine.Spool;

/// <summary>
/// The spool directory: one file per accepted message, holding exactly the bytes that will be
/// delivered. The envelope lives in the queue store. A file is made durable (file and directory
/// fsync) before its queue rows are written, and a file without rows is never delivered.
/// </summary>
public sealed class MessageSpool
{
    public MessageSpool(string dataDirectory)
    {
        Root = Path.Combine(Path.GetFullPath(dataDirectory), "spool");
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string PathFor(string id) =>
        QueueId.IsValid(id) ? Path.Combine(Root, id) : throw new ArgumentException($"Invalid message id {id}.");

    public FileStream Create(string id, int bufferSize = 64 * 1024) => CreatePrivate(PathFor(id), bufferSize);

    /// <summary>A new file only Outpost's user can read: mail is private. A writer with its own buffer passes 0.</summary>
    public static FileStream CreatePrivate(string path, int bufferSize = 64 * 1024)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = bufferSize,
        };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(path, options);
    }

    /// <summary>Opens a spool file to read; a reader that takes large chunks itself passes 0 and gets no second buffer.</summary>
    public static FileStream OpenRead(string path, int bufferSize = 64 * 1024) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, bufferSize);

    public void SyncDirectory() => FileSync.Directory(Root);

    /// <summary>Bytes an unprivileged writer may still use on the spool's file system (the spool may be a mount of its own).</summary>
    public long FreeSpace() => new DriveInfo(Root).AvailableFreeSpace;

    /// <summary>True when a write failed because the file system is full (ENOSPC, EDQUOT; on Windows disk full).</summary>
    public static bool IsDiskFull(IOException ex) =>
        OperatingSystem.IsWindows() ? (ex.HResult & 0xFFFF) is 0x70 or 0x27 : ex.HResult is 28 or 122;

    /// <summary>The message files in the spool, each named by its queue id; anything else in the directory is not Outpost's and is left alone.</summary>
    public IEnumerable<FileInfo> Files() => new DirectoryInfo(Root).EnumerateFiles().Where(f => QueueId.IsValid(f.Name));

    public static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the next sweep; a file without open recipients is never delivered again.
        }
    }
}
