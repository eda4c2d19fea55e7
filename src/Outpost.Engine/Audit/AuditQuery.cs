namespace Outpost.Engine.Audit;

/// <summary>Which lines of the audit trail to read, newest first: of some actions, one target, one domain, since a time, before an id (paging).</summary>
public sealed record AuditQuery(
    IReadOnlyList<string>? Actions = null,
    string? Target = null,
    string? Domain = null,
    DateTimeOffset? Since = null,
    long? BeforeId = null,
    int Limit = 100);
