namespace Outpost.Engine.Retention;

/// <summary>
/// Rows that go by their age alone, each a table and a time column in the store. A new kind is one more
/// member here and one more rule in each store.
/// </summary>
public enum AgedRows
{
    /// <summary>Refusals at SMTP time.</summary>
    Refusals,

    /// <summary>Messages refused for their content, counted towards restrictions.</summary>
    Violations,

    /// <summary>Channel health per channel and destination; a row cooling down is never old.</summary>
    ChannelHealth,

    /// <summary>The events outbox: every recipient status change.</summary>
    Events,

    /// <summary>Idempotency keys of API submissions whose window has passed.</summary>
    IdempotencyKeys,
    /// <summary>Webhook deliveries that reached their endpoint, with their attempts.</summary>
    WebhooksDelivered,

    /// <summary>Webhook deliveries given up on, with their attempts.</summary>
    WebhooksFailed,
}
