namespace Outpost.Engine.Webhooks;

/// <summary>Where a delivery stands: still to be tried (pending), answered with a 2xx (delivered), or given up on (failed).</summary>
public enum WebhookDeliveryStatus
{
    Pending,
    Delivered,
    Failed,
}
