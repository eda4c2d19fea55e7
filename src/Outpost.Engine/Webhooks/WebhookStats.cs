namespace Outpost.Engine.Webhooks;

/// <summary>Deliveries by state (for one endpoint, or all), and when the oldest still pending was made.</summary>
public sealed record WebhookStats(long Pending, long Delivered, long Failed, DateTimeOffset? OldestPending)
{
    public static readonly WebhookStats None = new(0, 0, 0, null);
}
