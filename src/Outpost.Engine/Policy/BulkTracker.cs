using Microsoft.Extensions.Logging;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Policy;

/// <summary>
/// Counts, per near-identical content, the distinct external mailboxes it went to in a sliding window,
/// across messages and senders, so a blast split into many small messages (or over many accounts) is
/// still one blast. Contents are matched by SimHash within <see cref="PolicyOptions.BulkDistance"/> bits,
/// by a scan of the recent fingerprints (a popcount each: 50,000 of them take well under a millisecond).
/// The counts are kept in memory for that scan and stored in the database (<see cref="IBulkStore"/>), so a
/// restart starts from them instead of from zero: they are loaded on first use, and accepted recipients
/// are written in the background in batches (at most a fraction of a second behind), off the path that
/// answers the client; what is still pending when the service stops is written as the container disposes it.
/// </summary>
public sealed class BulkTracker(PolicyOptions options, TimeProvider time, IBulkStore store, ILogger<BulkTracker> logger) : IAsyncDisposable
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
    readonly List<(ulong, string, DateTimeOffset)> _pending = [];
    bool _loaded;
    Task _flushing = Task.CompletedTask;

    /// <summary>How many distinct external mailboxes the content went to in the window, with these recipients added.</summary>
    public int Count(ulong fingerprint, IEnumerable<string> recipients)
    {
        EnsureLoaded();
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
        EnsureLoaded();
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var cluster = Remember(fingerprint, recipients, now);
            foreach (var recipient in recipients)
                _pending.Add((cluster.Fingerprint, recipient, now));
            if (_flushing.IsCompleted)
                _flushing = Task.Run(FlushAsync);
        }
    }

    /// <summary>Waits until every accepted recipient so far is stored (for shutdown and tests).</summary>
    public async Task FlushedAsync()
    {
        Task flushing;
        lock (_lock)
            flushing = _flushing;
        await flushing;
        lock (_lock)
            flushing = _pending.Count > 0 ? _flushing = Task.Run(FlushAsync) : _flushing;
        await flushing;
    }

    public async ValueTask DisposeAsync() => await FlushedAsync();

    Cluster Remember(ulong fingerprint, IEnumerable<string> recipients, DateTimeOffset at)
    {
        var cluster = Find(fingerprint);
        if (cluster is null)
        {
            if (_clusters.Count >= MaxClusters)
                Prune(at);
            cluster = new Cluster(fingerprint);
            _clusters.Add(cluster);
        }
        foreach (var recipient in recipients)
            if (!cluster.Recipients.TryGetValue(recipient, out var seen) || seen < at)
                cluster.Recipients[recipient] = at;
        if (at > cluster.LastSeen)
            cluster.LastSeen = at;
        return cluster;
    }

    async Task FlushAsync()
    {
        // A short pause lets a burst of accepted messages share one transaction.
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        List<(ulong, string, DateTimeOffset)> batch;
        lock (_lock)
        {
            batch = [.. _pending];
            _pending.Clear();
        }
        if (batch.Count == 0)
            return;
        try
        {
            await store.AddAsync(batch, time.GetUtcNow() - options.BulkWindow);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or InvalidOperationException)
        {
            // The in-memory counts still hold; only a restart before the next flush would forget these.
            logger.LogWarning(ex, "The bulk-duplicate counts could not be stored ({Count} rows); they are kept in memory", batch.Count);
            lock (_lock)
                _pending.InsertRange(0, batch);
        }
    }

    void EnsureLoaded()
    {
        if (Volatile.Read(ref _loaded))
            return;
        lock (_lock)
        {
            if (_loaded)
                return;
            try
            {
                var rows = store.LoadAsync(time.GetUtcNow() - options.BulkWindow).GetAwaiter().GetResult();
                foreach (var (fingerprint, recipient, at) in rows.OrderBy(r => r.SeenAt))
                    Remember(fingerprint, [recipient], at);
            }
            catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or InvalidOperationException)
            {
                logger.LogWarning(ex, "The stored bulk-duplicate counts could not be read; counting starts afresh");
            }
            Volatile.Write(ref _loaded, true);
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
