using System.Collections.Concurrent;
using System.Net;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Accounts;

/// <summary>
/// Counts failed logins per client address in a sliding window. Past a few free failures each reply is
/// held longer (doubling, capped); past the maximum the client is disconnected at every try until the
/// window has passed. Memory is bounded: old entries are swept.
/// </summary>
public sealed class AuthThrottle(AuthOptions options, TimeProvider time)
{
    readonly ConcurrentDictionary<IPAddress, Queue<DateTimeOffset>> _failures = new();

    /// <summary>True while this address has used up its failures.</summary>
    public bool IsBlocked(IPAddress address) => Count(address) >= options.MaxFailures;

    /// <summary>Records a failure and says how long to hold the reply, and whether to hang up.</summary>
    public (TimeSpan Delay, bool Disconnect) RecordFailure(IPAddress address)
    {
        var now = time.GetUtcNow();
        var queue = _failures.GetOrAdd(address, _ => new Queue<DateTimeOffset>());
        int count;
        lock (queue)
        {
            Trim(queue, now);
            queue.Enqueue(now);
            count = queue.Count;
        }
        if (_failures.Count > 100_000)
            Sweep(now);
        if (count >= options.MaxFailures)
            return (options.MaxDelay, true);
        if (count <= options.FreeFailures)
            return (TimeSpan.Zero, false);
        var seconds = Math.Min(Math.Pow(2, count - options.FreeFailures - 1), options.MaxDelay.TotalSeconds);
        return (TimeSpan.FromSeconds(seconds), false);
    }

    int Count(IPAddress address)
    {
        if (!_failures.TryGetValue(address, out var queue))
            return 0;
        lock (queue)
        {
            Trim(queue, time.GetUtcNow());
            return queue.Count;
        }
    }

    void Trim(Queue<DateTimeOffset> queue, DateTimeOffset now)
    {
        while (queue.Count > 0 && now - queue.Peek() > options.FailureWindow)
            queue.Dequeue();
    }

    void Sweep(DateTimeOffset now)
    {
        foreach (var (address, queue) in _failures)
        {
            lock (queue)
            {
                Trim(queue, now);
                if (queue.Count == 0)
                    _failures.TryRemove(address, out _);
            }
        }
    }
}
