namespace Outpost.Engine.Delivery.Tls.Report;

/// <summary>
/// TLS-RPT's store: the session counts per day (added to, never overwritten, so several nodes and several
/// flushes add up) and which reports were sent, so that none goes twice.
/// </summary>
public interface ITlsReportStore
{
    /// <summary>Adds each row's count to its day's row of the same key (made when missing); the first reason seen is kept.</summary>
    Task AddAsync(IReadOnlyList<TlsReportCount> counts, CancellationToken cancellationToken = default);

    /// <summary>The rows of <paramref name="day"/> (YYYY-MM-DD), of one policy domain or all, ordered by domain.</summary>
    Task<IReadOnlyList<TlsReportCount>> CountsAsync(string day, string? domain = null, CancellationToken cancellationToken = default);

    /// <summary>Claims the report of <paramref name="domain"/> for <paramref name="day"/>; false when it was claimed (sent) before.</summary>
    Task<bool> ClaimAsync(string day, string domain, string reportId, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>Gives a claim back (the report could not be queued), so that a later run sends it.</summary>
    Task ReleaseAsync(string day, string domain, CancellationToken cancellationToken = default);

    /// <summary>Removes counts and claims of days before <paramref name="day"/>.</summary>
    Task PurgeBeforeAsync(string day, CancellationToken cancellationToken = default);
}
