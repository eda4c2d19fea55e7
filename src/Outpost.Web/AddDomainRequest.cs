namespace Outpost.Web;

/// <summary>POST /api/v1/domains (operators): the domain and its plan ("free" or "paid", default paid).</summary>
public sealed record AddDomainRequest(string? Name, string? Plan);
