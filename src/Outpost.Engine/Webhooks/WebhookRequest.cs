namespace Outpost.Engine.Webhooks;

/// <summary>
/// One signed POST: the URL, the three Standard Webhooks headers' values and the body. A domain's
/// endpoint may reach only public addresses unless the operator allowed private networks.
/// </summary>
public sealed record WebhookRequest(Uri Url, string WebhookId, long Timestamp, string Body, string Signature, bool AllowPrivateNetworks);
