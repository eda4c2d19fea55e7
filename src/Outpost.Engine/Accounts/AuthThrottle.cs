using System.Collections.Concurrent;
using System.Net;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Accounts;

/// <summary>
/// Counts failed logins per client address and per client network (/24 for IPv4, /64 for IPv6, where one
/// customer or one attacker usually sits) in a sliding window. Past a few free failures each reply is held
/// longer (doubling, capped); past the maximum the client is disconnected at every try until the window has
/// passed; a network is cut off after <see cref="AuthOptions.MaxNetworkFailures"/>, so rotating addresses in
/// one network gains little. Only failures count: callers check a credential first, so a valid API key is never
/// refused for what others did. Memory is bounded: old entries are swept.
/// </summary>
public sealed class AuthThrottle(AuthOptions options, TimeProvider time)
{
    readonly ConcurrentDictionary<IPAddress, Queue<DateTimeOffset>> _failures = new();
    readonly ConcurrentDictionary<IPAddress, Queue<DateTimeOffset>> _networkFailures = new();

    /// <summary>True while this address, or its network, has used up its failures.</summary>
    public bool IsBlocked(IPAddress address)
    {
        address = Normal(address);
        return Count(_failures, address) >= options.MaxFailures || Count(_networkFailures, Network(address)) >= options.MaxNetworkFailures;
    }

    /// <summary>Records a failure and says how long to hold the reply, and whether to hang up.</summary>
    public (TimeSpan Delay, bool Disconnect) RecordFailure(IPAddress address)
    {
        address = Normal(address);
        var now = time.GetUtcNow();
        var count = Add(_failures, address, now);
        var network = Add(_networkFailures, Network(address), now);
        if (_failures.Count + _networkFailures.Count > 100_000)
            Sweep(now);
        if (count >= options.MaxFailures || network >= options.MaxNetworkFailures)
            return (options.MaxDelay, true);
        if (count <= options.FreeFailures)
            return (TimeSpan.Zero, false);
        var seconds = Math.Min(Math.Pow(2, count - options.FreeFailures - 1), options.MaxDelay.TotalSeconds);
        return (TimeSpan.FromSeconds(seconds), false);
    }

    /// <summary>The client's network: the address with all but its first 24 (IPv4) or 64 (IPv6) bits cleared.</summary>
    public static IPAddress Network(IPAddress address)
    {
        address = Normal(address);
        var bytes = address.GetAddressBytes();
        var keep = bytes.Length == 4 ? 3 : 8;
        for (var i = keep; i < bytes.Length; i++)
            bytes[i] = 0;
        return new IPAddress(bytes);
    }

    /// <summary>An IPv4 client seen through a dual-stack socket (::ffff:192.0.2.1) counts as its IPv4 address.</summary>
    static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    int Add(ConcurrentDictionary<IPAddress, Queue<DateTimeOffset>> counts, IPAddress key, DateTimeOffset now)
    {
        var queue = counts.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            Trim(queue, now);
            queue.Enqueue(now);
            return queue.Count;
        }
    }

    int Count(ConcurrentDictionary<IPAddress, Queue<DateTimeOffset>> counts, IPAddress key)
    {
        if (!counts.TryGetValue(key, out var queue))
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
        foreach (var counts in new[] { _failures, _networkFailures })
            foreach (var (key, queue) in counts)
            {
                lock (queue)
                {
                    Trim(queue, now);
                    if (queue.Count == 0)
                        counts.TryRemove(key, out _);
                }
            }
    }
}
