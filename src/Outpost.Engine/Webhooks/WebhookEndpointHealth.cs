namespace Outpost.Engine.Webhooks;

/// <summary>An endpoint's run of failures (how many in a row, since when) and its pause, as <see cref="WebhookPausing"/> reads and decides them.</summary>
public sealed record WebhookEndpointHealth(int ConsecutiveFailures, DateTimeOffset? FailingSince, string? PausedReason, DateTimeOffset? PausedAt);
