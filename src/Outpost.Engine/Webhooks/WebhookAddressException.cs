namespace Outpost.Engine.Webhooks;

/// <summary>A connection a webhook may not make (a private address for a domain's endpoint) or cannot (a host without an address), with the sentence saying so.</summary>
public sealed class WebhookAddressException(string message) : IOException(message);
