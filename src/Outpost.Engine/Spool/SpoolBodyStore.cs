using System.Runtime.CompilerServices;

namespace Outpost.Engine.Spool;

/// <summary>
/// Bodies as files in the local spool directory (<c>&lt;data&gt;/spool/&lt;id&gt;</c>), the embedded (SQLite,
/// single-node) way: the file written during DATA is the body, fsynced when sealed, its directory synced once
/// per group commit before the queue rows. Talks to: the file system only. Security: files are 0600 and
/// named by queue id; nothing outside the spool directory is opened.
/// </summary>
public sealed class SpoolBodyStore(MessageSpool spool) : IMessageBodyStore
{
    public Task SealAsync(string id, FileStream staged, CancellationToken cancellationToken = default)
    {
        try
        {
            staged.Flush(flushToDisk: true);
        }
        finally
        {
            // Closed even when the sync fails (the caller has let go of it); the caller removes the file.
            staged.Dispose();
        }
        return Task.CompletedTask;
    }

    public void SyncBeforeEnqueue() => spool.SyncDirectory();

    public void ReleaseStaged(string id)
    {
        // The spool file is the body: it stays until the message finishes.
    }

    public async Task WriteAsync(string id, Stream content, CancellationToken cancellationToken = default)
    {
        await using (var file = spool.Create(id))
        {
            await content.CopyToAsync(file, cancellationToken);
            file.Flush(flushToDisk: true);
        }
        spool.SyncDirectory();
    }

    public Task<Stream> OpenReadAsync(string id, CancellationToken cancellationToken = default)
    {
        try
        {
            // No FileStream buffer: every reader of a body (the parser, the signer, the sender) reads in blocks of its own.
            return Task.FromResult<Stream>(MessageSpool.OpenRead(spool.PathFor(id), bufferSize: 0));
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new MessageBodyMissingException(id);
        }
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        MessageSpool.Delete(spool.PathFor(id));
        return Task.CompletedTask;
    }

    public Task<bool> ExistsAsync(string id, CancellationToken cancellationToken = default) => Task.FromResult(File.Exists(spool.PathFor(id)));

    public async IAsyncEnumerable<StoredBody> WrittenBeforeAsync(DateTimeOffset before, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var file in spool.Files())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (file.LastWriteTimeUtc < before.UtcDateTime)
                yield return new StoredBody(file.Name, file.Length);
        }
        await Task.CompletedTask;
    }

    // Every spool file here is a body; the sweeper removes the orphaned ones through WrittenBeforeAsync.
    public int RemoveStaleStaged(DateTimeOffset before) => 0;
}
