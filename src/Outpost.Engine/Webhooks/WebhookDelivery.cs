namespace Outpost.Engine.Webhooks;

/// <summary>A pending delivery claimed for a try: the event it carries, its body, the tries so far and when the first was.</summary>
public sealed record WebhookDelivery(long Id, long EndpointId, long EventId, string Type, string? MessageId, string Body, int Attempts, DateTimeOffset? FirstAttemptAt)
{
    /// <summary>The webhook-id header: the event's, the same on every retry.</summary>
    public string WebhookId => WebhookPayload.WebhookId(EventId);
}
