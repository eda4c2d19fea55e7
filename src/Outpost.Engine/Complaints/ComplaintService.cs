using Outpost.Engine.Configuration;

namespace Outpost.Engine.Complaints;

/// <summary>
/// What people read of the feedback mailbox: complaints (one sending domain's, or all for an operator),
/// one complaint with its raw report, and the complaint rate per sending domain over
/// <c>Complaints:RateWindow</c>. The CLI, the API and the web page ask here, so they show the same
/// figures and sentences. Talks to: its store. Security: callers decide who may see which domain;
/// unmatched complaints belong to no domain and are for operators.
/// </summary>
public sealed class ComplaintService(IComplaintStore store, ComplaintOptions options, TimeProvider time)
{
    public const int MostListed = 1000;

    public Task<IReadOnlyList<Complaint>> ListAsync(ComplaintQuery query, CancellationToken cancellationToken = default) =>
        store.ListAsync(query with { Domain = query.Domain?.Trim().ToLowerInvariant(), Limit = Math.Clamp(query.Limit, 1, MostListed) }, cancellationToken);

    public Task<Complaint?> GetAsync(long id, CancellationToken cancellationToken = default) => store.GetAsync(id, cancellationToken);

    public Task<byte[]?> RawAsync(long id, CancellationToken cancellationToken = default) => store.RawAsync(id, cancellationToken);

    /// <summary>The rate of one sending domain, or of every domain with mail or complaints in the window; <paramref name="window"/> defaults to the configured one.</summary>
    public async Task<IReadOnlyList<ComplaintRate>> RatesAsync(string? domain, TimeSpan? window = null, CancellationToken cancellationToken = default)
    {
        var until = time.GetUtcNow();
        var since = until - (window ?? options.RateWindow);
        var name = domain?.Trim().ToLowerInvariant();
        var rows = await store.RatesAsync(name, since, ComplaintStatuses.Matched, cancellationToken);
        var rates = rows.Select(r => new ComplaintRate(r.Domain, r.Complaints, r.Delivered, since, until)).ToList();
        if (name is not null && rates.Count == 0)
            rates.Add(new ComplaintRate(name, 0, 0, since, until));
        return rates.OrderByDescending(r => r.Rate ?? 0).ThenBy(r => r.Domain, StringComparer.Ordinal).ToList();
    }
}
