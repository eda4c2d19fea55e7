using Outpost.Engine.Signing;

namespace Outpost.Engine.Domains;

/// <summary>DKIM keys (kept for Signing, a layer below) and the last check of every sending record, per domain.</summary>
public interface IDomainDnsStore : IDkimKeyStore
{
    Task<IReadOnlyList<DnsCheck>> ChecksAsync(string domain, CancellationToken cancellationToken = default);

    /// <summary>Replaces the domain's checks with these.</summary>
    Task SaveChecksAsync(string domain, IReadOnlyList<DnsCheck> checks, CancellationToken cancellationToken = default);
}
