using Outpost.Engine.Delivery.Tls;

namespace Outpost.Engine.Tests.Delivery.Tls;

/// <summary>The operator's TLS policy table in memory.</summary>
internal sealed class FakeTlsPolicyTable : ITlsPolicyStore
{
    public List<TlsPolicyEntry> Rows { get; } = [];

    public Task<IReadOnlyList<TlsPolicyEntry>> ListAsync(CancellationToken cancellationToken = default) => Task.FromResult<IReadOnlyList<TlsPolicyEntry>>(Rows.ToList());

    public Task SetAsync(TlsPolicyEntry entry, CancellationToken cancellationToken = default)
    {
        Rows.RemoveAll(r => r.Domain == entry.Domain);
        Rows.Add(entry);
        return Task.CompletedTask;
    }

    public Task<bool> RemoveAsync(string domain, CancellationToken cancellationToken = default) => Task.FromResult(Rows.RemoveAll(r => r.Domain == domain) > 0);
}
