namespace Outpost.Web;

/// <summary>POST /api/v1/suppressions: an address to suppress for a sending domain.</summary>
public sealed record SuppressionRequest(string? Domain, string? Address, string? Reason, int? Days);
