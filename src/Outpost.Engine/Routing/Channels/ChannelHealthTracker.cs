using System.Collections.Concurrent;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Routing.Channels;

/// <summary>
/// Circuit breakers for channels: a channel that keeps failing — towards one destination, or everywhere
/// (it cannot bind its address, cannot connect at all) — is skipped for a cool-down; after it, one
/// delivery goes through as a probe, and a success closes the circuit. State changes are stored, so
/// <c>outpost channel list</c> shows them.
/// </summary>
public sealed class ChannelHealthTracker(IChannelStore store, RoutingOptions options, TimeProvider time)
{
    public const string Everywhere = "*";
    readonly ConcurrentDictionary<(string Channel, string Destination), ChannelHealth> _health = new();
    Task? _loading;

    Task LoadAsync() => _loading ??= LoadCoreAsync();

    async Task LoadCoreAsync()
    {
        foreach (var h in await store.HealthAsync())
            _health[(h.Channel, h.Destination)] = h;
    }

    public async Task<bool> AvailableAsync(string channel, string destination)
    {
        await LoadAsync();
        var now = time.GetUtcNow();
        return !(_health.TryGetValue((channel, Everywhere), out var all) && all.CoolingDown(now))
            && !(_health.TryGetValue((channel, destination), out var one) && one.CoolingDown(now));
    }

    /// <summary>The reason a channel is skipped now, or null.</summary>
    public async Task<string?> SkipReasonAsync(string channel, string destination)
    {
        await LoadAsync();
        var now = time.GetUtcNow();
        foreach (var key in new[] { (channel, Everywhere), (channel, destination) })
            if (_health.TryGetValue(key, out var h) && h.CoolingDown(now))
                return $"cooling down until {h.SkipUntil:HH:mm:ss} UTC after {h.Failures} failure(s){(key.Item2 == Everywhere ? "" : $" towards {destination}")}: {h.LastError}";
        return null;
    }

    /// <param name="destination">The destination domain, or <see cref="Everywhere"/> for a failure of the channel itself.</param>
    /// <param name="immediately">Skip the channel at once (e.g. its bind address does not exist).</param>
    public async Task FailureAsync(string channel, string destination, string error, bool immediately = false)
    {
        await LoadAsync();
        var now = time.GetUtcNow();
        var before = _health.GetValueOrDefault((channel, destination));
        var failures = (before?.Failures ?? 0) + 1;
        var skip = immediately || failures >= options.FailuresBeforeCoolDown ? now + options.CoolDown : before?.SkipUntil;
        var health = new ChannelHealth(channel, destination, failures, error, skip, now);
        _health[(channel, destination)] = health;
        await store.SaveHealthAsync(health);
    }

    public async Task SuccessAsync(string channel, string destination)
    {
        await LoadAsync();
        foreach (var key in new[] { (channel, Everywhere), (channel, destination) })
        {
            if (_health.TryGetValue(key, out var h) && (h.Failures > 0 || h.SkipUntil is not null))
            {
                var healthy = h with { Failures = 0, SkipUntil = null, UpdatedAt = time.GetUtcNow() };
                _health[key] = healthy;
                await store.SaveHealthAsync(healthy);
            }
        }
    }
}
