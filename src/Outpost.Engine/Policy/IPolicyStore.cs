using Outpost.Engine.Audit;

namespace Outpost.Engine.Policy;

/// <summary>
/// Violations, restrictions, and the counts rate limits need. Restricting and lifting each add a line to
/// the audit trail (read through <see cref="IAuditStore"/>) in the same transaction.
/// </summary>
public interface IPolicyStore
{
    Task AddViolationAsync(DateTimeOffset at, string sender, string domain, ContentClass contentClass, string? subject, CancellationToken cancellationToken = default);
    Task<int> CountViolationsAsync(string? sender, string? domain, DateTimeOffset since, CancellationToken cancellationToken = default);

    Task<Restriction?> ActiveRestrictionAsync(string address, string domain, CancellationToken cancellationToken = default);
    Task<Restriction> RestrictAsync(string scope, string subject, string reason, AuditActor by, DateTimeOffset at, CancellationToken cancellationToken = default);
    Task<Restriction?> LiftAsync(string subject, AuditActor by, string reason, DateTimeOffset at, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<Restriction>> RestrictionsAsync(bool includeLifted, CancellationToken cancellationToken = default);

    /// <summary>External sending by one sender (<paramref name="sender"/>) or one domain (<paramref name="domain"/>).</summary>
    Task<SentCounts> SentAsync(string? sender, string? domain, DateTimeOffset now, CancellationToken cancellationToken = default);
}
