namespace Outpost.Engine.Webhooks;

/// <summary>An endpoint to add: its domain (null: an operator's, for every domain), URL, events and sealed secret.</summary>
public sealed record NewWebhookEndpoint(string? Domain, string Url, IReadOnlyList<string> Events, string SealedSecret, string CreatedBy);
