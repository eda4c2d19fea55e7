using Outpost.Engine.Configuration;

namespace Outpost.Engine.Routing.Channels;

/// <summary>
/// The order in which delivery tries the channels for a destination (M2, M3):
/// 1. channels that are cooling down go last (they are skipped);
/// 2. channels in the preferred region — the destination's rule ("gmail.com" → "eu"), else the sender
///    domain's default region — before the others;
/// 3. then higher weight first, then by name.
/// With no channel configured, the default direct channel is used.
/// </summary>
public sealed class ChannelSelector(IChannelStore store, ChannelHealthTracker health, RoutingOptions options, TimeProvider time)
{
    static readonly TimeSpan CacheTime = TimeSpan.FromSeconds(5);
    (DateTimeOffset Until, IReadOnlyList<Channel> Channels)? _cache;

    public string? PreferredRegion(string recipientDomain, string? senderDomain) =>
        options.DestinationRegions.TryGetValue(recipientDomain, out var region) ? region
        : senderDomain is not null && options.SenderRegions.TryGetValue(senderDomain, out var own) ? own
        : null;

    public async Task<IReadOnlyList<ChannelChoice>> OrderAsync(string recipientDomain, string? senderDomain)
    {
        var now = time.GetUtcNow();
        if (_cache is not { } cache || cache.Until < now)
            _cache = cache = (now + CacheTime, (await store.ListAsync()).Where(c => c.Enabled).ToList());
        var channels = cache.Channels.Count > 0 ? cache.Channels : [Channel.Default];
        var region = PreferredRegion(recipientDomain, senderDomain);

        var choices = new List<(ChannelChoice Choice, bool InRegion, bool Skipped)>();
        foreach (var channel in channels)
        {
            var inRegion = region is not null && string.Equals(channel.Region, region, StringComparison.OrdinalIgnoreCase);
            var skipped = await health.SkipReasonAsync(channel.Name, recipientDomain);
            var why = (inRegion ? $"region {region} is preferred for {(options.DestinationRegions.ContainsKey(recipientDomain) ? recipientDomain : senderDomain)}; " : "")
                      + $"{channel.Describe()}, weight {channel.Weight}";
            choices.Add((new ChannelChoice(channel, why, skipped), inRegion, skipped is not null));
        }
        return choices
            .OrderBy(c => c.Skipped)
            .ThenByDescending(c => c.InRegion)
            .ThenByDescending(c => c.Choice.Channel.Weight)
            .ThenBy(c => c.Choice.Channel.Name, StringComparer.Ordinal)
            .Select(c => c.Choice)
            .ToList();
    }
}
