using System.Collections.Concurrent;
using Outpost.Engine.Delivery.Tls.MtaSts;

namespace Outpost.Engine.Tests.Delivery.Tls;

/// <summary>The MTA-STS cache store in memory, shared by two policy instances to stand for a restart.</summary>
internal sealed class MemoryMtaStsCache : IMtaStsCache
{
    public ConcurrentDictionary<string, MtaStsCacheEntry> Entries { get; } = new(StringComparer.Ordinal);

    public Task<MtaStsCacheEntry?> GetAsync(string domain, CancellationToken cancellationToken = default) =>
        Task.FromResult(Entries.TryGetValue(domain, out var e) ? e : null);

    public Task SaveAsync(MtaStsCacheEntry entry, CancellationToken cancellationToken = default)
    {
        Entries[entry.Domain] = entry;
        return Task.CompletedTask;
    }
}
