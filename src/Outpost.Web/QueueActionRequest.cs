namespace Outpost.Web;

/// <summary>POST /api/v1/queue/{action}: the selection (as <c>outpost queue</c>'s options), the reason, and whether only to see what it would touch.</summary>
public sealed record QueueActionRequest(string? Message, string? Domain, string? Sender, string? Channel, string? Status, string? OlderThan, bool All,
    string? Reason, bool DryRun);
