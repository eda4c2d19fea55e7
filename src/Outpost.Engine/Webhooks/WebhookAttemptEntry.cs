namespace Outpost.Engine.Webhooks;

/// <summary>One try as the CLI, API and page show it: which event, when, the answer, how long, and where its delivery now stands.</summary>
public sealed record WebhookAttemptEntry(long DeliveryId, long EventId, string Type, string? MessageId, DateTimeOffset At, int? StatusCode, string? Error, TimeSpan Duration,
    WebhookDeliveryStatus DeliveryStatus, int DeliveryAttempts);
