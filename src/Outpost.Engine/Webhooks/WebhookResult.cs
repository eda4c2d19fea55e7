namespace Outpost.Engine.Webhooks;

/// <summary>
/// A try and what it decided, as the store records it: the attempt (time, response) and the delivery's
/// new state — delivered, failed (given up), or pending again with its next try — from <see cref="WebhookRetry"/>.
/// </summary>
public sealed record WebhookResult(long DeliveryId, long EndpointId, DateTimeOffset At, WebhookResponse Response, WebhookDeliveryStatus Status, DateTimeOffset? NextAttemptAt);
