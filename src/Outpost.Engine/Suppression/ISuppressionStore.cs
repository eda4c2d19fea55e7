namespace Outpost.Engine.Suppression;

/// <summary>The suppression lists, one per sending domain, keyed by domain and address (both lower-case).</summary>
public interface ISuppressionStore
{
    Task<Suppression?> FindAsync(string domain, string address, CancellationToken cancellationToken = default);

    /// <summary>Adds or replaces an entry (a later bounce refreshes the reply and the time).</summary>
    Task UpsertAsync(Suppression suppression, CancellationToken cancellationToken = default);

    Task<bool> RemoveAsync(string domain, string address, CancellationToken cancellationToken = default);

    /// <summary>Entries newest first; <paramref name="domain"/> null means every domain, <paramref name="search"/> a part of the address.</summary>
    Task<IReadOnlyList<Suppression>> ListAsync(string? domain, string? search, int limit, CancellationToken cancellationToken = default);
}
