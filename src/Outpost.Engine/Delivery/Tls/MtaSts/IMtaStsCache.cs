namespace Outpost.Engine.Delivery.Tls.MtaSts;

/// <summary>Fetched MTA-STS policies kept in the database, so a restart neither fetches them all again nor forgets an enforced one.</summary>
public interface IMtaStsCache
{
    Task<MtaStsCacheEntry?> GetAsync(string domain, CancellationToken cancellationToken = default);

    /// <summary>Stores the entry, replacing the domain's earlier one.</summary>
    Task SaveAsync(MtaStsCacheEntry entry, CancellationToken cancellationToken = default);
}
