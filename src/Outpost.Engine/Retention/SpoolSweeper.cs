using Microsoft.Extensions.Logging;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Retention;

/// <summary>
/// Sweeps orphaned spool files: delivery removes a message's file right after the commit that leaves it
/// with no open recipient, so a crash (or a failed unlink) between the two leaves the file behind for
/// good. A file goes when it is older than the grace period and its message is settled for as long —
/// final, or unknown to the database — so a message being received, or one whose bounce is being
/// built from the file right now, is never touched.
/// Talks to: the spool directory, and the retention store for which messages are still open.
/// Security: deletes only files named like queue ids inside the spool directory, never follows a name
/// out of it, and never reads a message's content.
/// </summary>
public sealed class SpoolSweeper(MessageSpool spool, IRetentionStore store, ILogger<SpoolSweeper> logger)
{
    // Ids asked of the store at once: one short read, far below SQLite's limit on parameters.
    const int Chunk = 500;

    public async Task<SweepResult> SweepAsync(DateTimeOffset settledBefore, bool dryRun, CancellationToken cancellationToken = default)
    {
        // The file's own time first: a file written within the grace period is not even asked about.
        var old = spool.Files().Where(f => f.LastWriteTimeUtc < settledBefore.UtcDateTime).ToList();
        long files = 0, bytes = 0;
        foreach (var chunk in old.Chunk(Chunk))
        {
            var keep = await store.UnsettledAsync(chunk.Select(f => f.Name).ToList(), settledBefore, cancellationToken);
            foreach (var file in chunk.Where(f => !keep.Contains(f.Name)))
            {
                // Read before the delete: a deleted FileInfo forgets its length.
                var length = file.Length;
                if (!dryRun && !TryDelete(file))
                    continue;
                files++;
                bytes += length;
            }
        }
        return new SweepResult(files, bytes);
    }

    bool TryDelete(FileInfo file)
    {
        try
        {
            file.Delete();
            logger.LogDebug("{Id}: orphaned spool file removed", file.Name);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(ex, "{Id}: cannot remove the orphaned spool file; the next sweep tries again", file.Name);
            return false;
        }
    }
}
