using Outpost.Engine.Signing;

namespace Outpost.Engine.Domains;

/// <summary>DKIM keys and the last check of every sending record, per domain.</summary>
public interface IDomainDnsStore
{
    Task AddKeyAsync(DkimKey key, CancellationToken cancellationToken = default);
    Task UpdateKeyAsync(DkimKey key, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<DkimKey>> KeysAsync(string domain, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<DnsCheck>> ChecksAsync(string domain, CancellationToken cancellationToken = default);

    /// <summary>Replaces the domain's checks with these.</summary>
    Task SaveChecksAsync(string domain, IReadOnlyList<DnsCheck> checks, CancellationToken cancellationToken = default);
}
