namespace Outpost.Web;

/// <summary>POST /api/v1/webhooks: the URL, the domain whose mail it hears of (an operator may leave it out: every domain), and the events wanted (default set when left out).</summary>
public sealed record WebhookEndpointRequest(string? Url, string? Domain, IReadOnlyList<string>? Events);
