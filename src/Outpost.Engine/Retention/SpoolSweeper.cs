using Microsoft.Extensions.Logging;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Retention;

/// <summary>
/// Sweeps orphaned message bodies (<see cref="IMessageBodyStore"/>: spool files, or rows in PostgreSQL): delivery
/// removes a message's body right after the commit that leaves it with no open recipient, so a crash (or a failed
/// delete) between the two leaves the body behind for good; so does a crash between sealing a body and queueing it.
/// In PostgreSQL mode it also removes local spool files a crash left (they are copies, never bodies). A file goes when it is older than the grace period and its message is settled for as long —
/// final, or unknown to the database — so a message being received, or one whose bounce is being
/// built from the file right now, is never touched.
/// Talks to: the body store, and the retention store for which messages are still open.
/// Security: deletes only bodies named like queue ids (inside the spool directory for files), never follows a name
/// out of it, and never reads a message's content.
/// </summary>
public sealed class SpoolSweeper(IMessageBodyStore bodies, IRetentionStore store, ILogger<SpoolSweeper> logger)
{
    // Ids asked of the store at once: one short read, far below SQLite's limit on parameters.
    const int Chunk = 500;

    public async Task<SweepResult> SweepAsync(DateTimeOffset settledBefore, bool dryRun, CancellationToken cancellationToken = default)
    {
        // The body's own time first: a body written within the grace period is not even asked about.
        var old = new List<StoredBody>();
        await foreach (var body in bodies.WrittenBeforeAsync(settledBefore, cancellationToken))
            old.Add(body);
        long files = 0, bytes = 0;
        foreach (var chunk in old.Chunk(Chunk))
        {
            var keep = await store.UnsettledAsync(chunk.Select(b => b.Id).ToList(), settledBefore, cancellationToken);
            foreach (var body in chunk.Where(b => !keep.Contains(b.Id)))
            {
                if (!dryRun && !await TryDeleteAsync(body.Id, cancellationToken))
                    continue;
                files++;
                bytes += body.Length;
            }
        }
        if (!dryRun)
            bodies.RemoveStaleStaged(settledBefore);
        return new SweepResult(files, bytes);
    }

    async Task<bool> TryDeleteAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await bodies.DeleteAsync(id, cancellationToken);
            logger.LogDebug("{Id}: orphaned message body removed", id);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            logger.LogWarning(ex, "{Id}: cannot remove the orphaned message body; the next sweep tries again", id);
            return false;
        }
    }
}
