namespace Outpost.Engine.Complaints;

/// <summary>
/// Which complaints to list, newest first: of one sending domain (null: all, unmatched ones included), of
/// one status, before an id (paging), at most <see cref="Limit"/>.
/// </summary>
public sealed record ComplaintQuery(string? Domain = null, string? Status = null, long? BeforeId = null, int Limit = 100);
