namespace Outpost.Engine.Spool;

/// <summary>
/// Where every node finds the bytes of a queued message: the local spool directory (SQLite, one node) or the
/// shared database (PostgreSQL, several nodes). A body is always received into a local spool file first (SMTP
/// writes are synchronous and a message is parsed for the content checks there); <see cref="SealAsync"/> then
/// makes that file the durable body, before the queue rows are written, so "250 only after the commit" holds in
/// both back ends and a body without rows is never delivered (the sweeper removes it). Bodies are keyed by the
/// queue id alone, never by a path: another node has another data directory.
/// </summary>
public interface IMessageBodyStore
{
    /// <summary>
    /// Makes the spool file just written for <paramref name="id"/> (<paramref name="staged"/>, at its end) the
    /// message's durable body and closes it. On return the body survives a crash of this node and every reader
    /// of this store can open it.
    /// </summary>
    Task SealAsync(string id, FileStream staged, CancellationToken cancellationToken = default);

    /// <summary>Called once per group commit, before the queue rows of the sealed bodies are written (the file spool syncs its directory here).</summary>
    void SyncBeforeEnqueue();

    /// <summary>The message is queued: this node's local spool file of it is no longer needed (the file spool keeps it, it is the body).</summary>
    void ReleaseStaged(string id);

    /// <summary>Writes a whole body from a stream, durable on return (read in blocks, never whole in memory).</summary>
    Task WriteAsync(string id, Stream content, CancellationToken cancellationToken = default);

    /// <summary>The body as a seekable stream that reads it block by block; <see cref="MessageBodyMissingException"/> when there is none.</summary>
    Task<Stream> OpenReadAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Removes the body; one that is already gone is no error.</summary>
    Task DeleteAsync(string id, CancellationToken cancellationToken = default);

    Task<bool> ExistsAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The bodies written before <paramref name="before"/>, for the sweeper of orphans (it asks the queue which are settled).</summary>
    IAsyncEnumerable<StoredBody> WrittenBeforeAsync(DateTimeOffset before, CancellationToken cancellationToken = default);

    /// <summary>Removes local spool files older than <paramref name="before"/> that are not bodies (left by a crash in PostgreSQL mode); returns how many.</summary>
    int RemoveStaleStaged(DateTimeOffset before);
}
