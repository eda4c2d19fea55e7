namespace Outpost.Engine.Delivery.Tls;

/// <summary>The per-destination TLS policy table: one row per destination domain.</summary>
public interface ITlsPolicyStore
{
    Task<IReadOnlyList<TlsPolicyEntry>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds the row, or replaces the domain's row.</summary>
    Task SetAsync(TlsPolicyEntry entry, CancellationToken cancellationToken = default);

    /// <summary>False when the domain had no row.</summary>
    Task<bool> RemoveAsync(string domain, CancellationToken cancellationToken = default);
}
