using System.Collections.Concurrent;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Routing.Channels;

/// <summary>
/// Circuit breakers for channels: a channel that keeps failing — towards one destination, or everywhere
/// (it cannot bind its address, cannot connect at all) — is skipped for a cool-down; after it, one
/// delivery goes through as a probe, and a success closes the circuit. "Keeps failing" is
/// <see cref="RoutingOptions.FailuresBeforeCoolDown"/> failures in a row while at least half of the
/// latest <see cref="RoutingOptions.RecentTries"/> tries failed, so a few connections that broke at once
/// among many good ones (a receiver that dropped what it had open) do not stop a whole destination.
/// While every channel of a destination cools down, the tracker books one probe per cool-down (see
/// <see cref="ProbeTimeAsync"/>), so the destination is tried again as soon as the cool-down ends rather
/// than at its mail's next retry. State changes are stored, so <c>outpost channel list</c> shows them.
/// Talks to: the channel store. Security stance: it holds only names, counts and reply texts.
/// </summary>
public sealed class ChannelHealthTracker(IChannelStore store, RoutingOptions options, TimeProvider time)
{
    public const string Everywhere = "*";
    readonly ConcurrentDictionary<(string Channel, string Destination), ChannelHealth> _health = new();
    readonly Dictionary<(string Channel, string Destination), RecentTries> _recent = new();
    readonly Dictionary<string, DateTimeOffset> _probes = new(StringComparer.OrdinalIgnoreCase);
    Task? _loading;

    /// <summary>Records a try's outcome and says whether the latest tries mostly failed.</summary>
    bool Recent((string Channel, string Destination) key, bool failed)
    {
        lock (_recent)
        {
            if (!_recent.TryGetValue(key, out var recent))
                _recent[key] = recent = new RecentTries(options.RecentTries);
            recent.Add(failed);
            return recent.MostlyFailed;
        }
    }

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
        var mostlyFailed = Recent((channel, destination), failed: true);
        var skip = immediately || (failures >= options.FailuresBeforeCoolDown && mostlyFailed) ? now + options.CoolDown : before?.SkipUntil;
        var health = new ChannelHealth(channel, destination, failures, error, skip, now);
        _health[(channel, destination)] = health;
        await store.SaveHealthAsync(health);
    }

    /// <summary>
    /// A try through <paramref name="channel"/> worked: its circuits close. Returns true when one of them
    /// had been open (this was the probe after a cool-down), so mail that waits for the destination can be
    /// let go at once instead of at its next retry.
    /// </summary>
    public async Task<bool> SuccessAsync(string channel, string destination)
    {
        await LoadAsync();
        Recent((channel, destination), failed: false);
        var wasOpen = false;
        foreach (var key in new[] { (channel, Everywhere), (channel, destination) })
        {
            if (_health.TryGetValue(key, out var h) && (h.Failures > 0 || h.SkipUntil is not null))
            {
                wasOpen |= h.SkipUntil is not null;
                var healthy = h with { Failures = 0, SkipUntil = null, UpdatedAt = time.GetUtcNow() };
                _health[key] = healthy;
                await store.SaveHealthAsync(healthy);
            }
        }
        return wasOpen;
    }

    /// <summary>
    /// When every one of <paramref name="channels"/> cools down towards <paramref name="destination"/>:
    /// the moment the first of them may be tried again, if no probe is booked for it yet (the caller's
    /// recipient becomes that probe); otherwise null, and the caller's mail keeps its retry schedule.
    /// One probe per cool-down, so a destination that stays down costs one try per cool-down, not its backlog.
    /// </summary>
    public async Task<DateTimeOffset?> ProbeTimeAsync(IReadOnlyList<string> channels, string destination)
    {
        await LoadAsync();
        var now = time.GetUtcNow();
        DateTimeOffset? earliest = null;
        foreach (var channel in channels)
        {
            var until = new[] { (channel, Everywhere), (channel, destination) }
                .Select(k => _health.TryGetValue(k, out var h) && h.CoolingDown(now) ? h.SkipUntil : null)
                .Max();
            if (until is null)
                return null; // a channel is open: nothing waits for a cool-down
            if (earliest is null || until < earliest)
                earliest = until;
        }
        if (earliest is not { } at)
            return null;
        lock (_probes)
        {
            if (_probes.TryGetValue(destination, out var booked) && booked >= at)
                return null;
            _probes[destination] = at;
            return at;
        }
    }
}
