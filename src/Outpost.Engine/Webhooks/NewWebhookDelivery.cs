namespace Outpost.Engine.Webhooks;

/// <summary>A delivery to make for an endpoint: the outbox event it carries and the body to send (made once, sent on every try).</summary>
public sealed record NewWebhookDelivery(long EventId, string Type, string? MessageId, long? RecipientId, DateTimeOffset EventAt, string Body);
