using System.Net;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Accounts;

/// <summary>
/// Counts failed logins per client address and per client network (/24 for IPv4, /64 for IPv6, where one
/// customer or one attacker usually sits) in a sliding window. Past a few free failures each reply is held
/// longer (doubling, capped); past the maximum the client is disconnected at every try until the window has
/// passed; a network is cut off after <see cref="AuthOptions.MaxNetworkFailures"/>, so rotating addresses in
/// one network gains little. Only failures count: callers check a credential first, so a valid API key is never
/// refused for what others did. The counts live in <see cref="ILoginFailureStore"/>: this process's memory on
/// one node, the shared database when several nodes share one, so every node sees every node's failures.
/// </summary>
public sealed class AuthThrottle(ILoginFailureStore store, AuthOptions options, TimeProvider time)
{
    /// <summary>True while this address, or its network, has used up its failures.</summary>
    public async Task<bool> IsBlockedAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        var counts = await store.CountAsync(Keys(address), time.GetUtcNow() - options.FailureWindow, cancellationToken);
        return counts[0] >= options.MaxFailures || counts[1] >= options.MaxNetworkFailures;
    }

    /// <summary>Records a failure and says how long to hold the reply, and whether to hang up.</summary>
    public async Task<(TimeSpan Delay, bool Disconnect)> RecordFailureAsync(IPAddress address, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var counts = await store.AddAsync(Keys(address), now, now - options.FailureWindow, cancellationToken);
        var (count, network) = (counts[0], counts[1]);
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

    /// <summary>The two counts a failure adds to: the address's and its network's.</summary>
    static string[] Keys(IPAddress address)
    {
        address = Normal(address);
        return ["address:" + address, "network:" + Network(address)];
    }

    /// <summary>An IPv4 client seen through a dual-stack socket (::ffff:192.0.2.1) counts as its IPv4 address.</summary>
    static IPAddress Normal(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
