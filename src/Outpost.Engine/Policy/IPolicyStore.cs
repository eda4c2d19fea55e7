namespace Outpost.Engine.Policy;

/// <summary>Violations, restrictions with their audit trail, and the counts rate limits need.</summary>
public interface IPolicyStore
{
    Task AddViolationAsync(DateTimeOffset at, string sender, string domain, ContentClass contentClass, string? subject, CancellationToken cancellationToken = default);
    Task<int> CountViolationsAsync(string? sender, string? domain, DateTimeOffset since, CancellationToken cancellationToken = default);

    Task<Restriction?> ActiveRestrictionAsync(string address, string domain, CancellationToken cancellationToken = default);
    Task<Restriction> RestrictAsync(string scope, string subject, string reason, string by, DateTimeOffset at, CancellationToken cancellationToken = default);
    Task<Restriction?> LiftAsync(string subject, string by, string reason, DateTimeOffset at, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<Restriction>> RestrictionsAsync(bool includeLifted, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<RestrictionEvent>> RestrictionEventsAsync(string? subject, CancellationToken cancellationToken = default);

    /// <summary>External sending by one sender (<paramref name="sender"/>) or one domain (<paramref name="domain"/>).</summary>
    Task<SentCounts> SentAsync(string? sender, string? domain, DateTimeOffset now, CancellationToken cancellationToken = default);
}
