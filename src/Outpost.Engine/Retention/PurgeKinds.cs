namespace Outpost.Engine.Retention;

/// <summary>The names of the kinds in a <see cref="PurgeReport"/>, the same in the log, the CLI table and its JSON.</summary>
public static class PurgeKinds
{
    public const string Messages = "messages";
    public const string Recipients = "recipients";
    public const string Attempts = "attempts";
    public const string Reviews = "reviews";
    public const string Refusals = "refusals";
    public const string Violations = "violations";
    public const string ChannelHealth = "channel-health";
    public const string Events = "events";
    public const string IdempotencyKeys = "idempotency-keys";
    public const string WebhooksDelivered = "webhooks-delivered";
    public const string WebhooksFailed = "webhooks-failed";
    public const string SpoolFiles = "spool-files";
}
