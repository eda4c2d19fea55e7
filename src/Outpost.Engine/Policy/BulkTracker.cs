using Outpost.Engine.Configuration;

namespace Outpost.Engine.Policy;

/// <summary>
/// Counts, per near-identical content, the distinct external mailboxes it went to in a sliding window,
/// across messages and senders, so a blast split into many small messages (or over many accounts) is
/// still one blast. Contents are matched by SimHash within <see cref="PolicyOptions.BulkDistance"/> bits,
/// by a scan of the recent fingerprints (a popcount each: 50,000 of them take well under a millisecond).
/// Kept in memory and bounded; after a restart counting starts afresh.
/// </summary>
public sealed class BulkTracker(PolicyOptions options, TimeProvider time)
{
    const int MaxClusters = 50_000;

    sealed class Cluster(ulong fingerprint)
    {
        public ulong Fingerprint { get; } = fingerprint;
        public Dictionary<string, DateTimeOffset> Recipients { get; } = new(StringComparer.OrdinalIgnoreCase);
        public DateTimeOffset LastSeen;
    }

    readonly object _lock = new();
    readonly List<Cluster> _clusters = [];

    /// <summary>How many distinct external mailboxes the content went to in the window, with these recipients added.</summary>
    public int Count(ulong fingerprint, IEnumerable<string> recipients)
    {
        lock (_lock)
        {
            var now = time.GetUtcNow();
            var known = Find(fingerprint)?.Recipients.Where(r => now - r.Value <= options.BulkWindow).Select(r => r.Key).ToHashSet(StringComparer.OrdinalIgnoreCase)
                ?? new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            known.UnionWith(recipients);
            return known.Count;
        }
    }

    /// <summary>Records that the content went to these recipients (called once the message is accepted).</summary>
    public void Add(ulong fingerprint, IEnumerable<string> recipients)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var cluster = Find(fingerprint);
            if (cluster is null)
            {
                if (_clusters.Count >= MaxClusters)
                    Prune(now);
                cluster = new Cluster(fingerprint);
                _clusters.Add(cluster);
            }
            foreach (var recipient in recipients)
                cluster.Recipients[recipient] = now;
            cluster.LastSeen = now;
        }
    }

    Cluster? Find(ulong fingerprint)
    {
        Cluster? best = null;
        var bestDistance = int.MaxValue;
        foreach (var cluster in _clusters)
        {
            var distance = SimHash.Distance(cluster.Fingerprint, fingerprint);
            if (distance <= options.BulkDistance && distance < bestDistance)
            {
                best = cluster;
                bestDistance = distance;
            }
        }
        return best;
    }

    void Prune(DateTimeOffset now)
    {
        var removed = _clusters.RemoveAll(c => now - c.LastSeen > options.BulkWindow);
        if (removed == 0)
            _clusters.RemoveRange(0, _clusters.Count / 10); // the oldest tenth
    }
}
