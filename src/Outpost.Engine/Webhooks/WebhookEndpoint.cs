namespace Outpost.Engine.Webhooks;

/// <summary>
/// A receiver of lifecycle events: a domain's (its domain admins manage it; it gets the events of mail
/// sent from that domain) or, with <see cref="Domain"/> null, an operator's for every domain. The secret
/// is stored sealed; <see cref="Cursor"/> is the last outbox id its deliveries were made from. Paused
/// (with the reason, a sentence) it gets deliveries made but none sent until resumed.
/// </summary>
public sealed record WebhookEndpoint(
    long Id,
    string? Domain,
    string Url,
    IReadOnlyList<string> Events,
    string SealedSecret,
    string CreatedBy,
    DateTimeOffset CreatedAt,
    long Cursor,
    string? PausedReason,
    DateTimeOffset? PausedAt)
{
    public bool Enabled => PausedReason is null;

    /// <summary>Whether this endpoint wants events of <paramref name="type"/> (see <see cref="WebhookEventTypes.Covers"/>).</summary>
    public bool Wants(string type) => Events.Any(wanted => WebhookEventTypes.Covers(wanted, type));
}
