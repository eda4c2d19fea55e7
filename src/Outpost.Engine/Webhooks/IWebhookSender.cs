namespace Outpost.Engine.Webhooks;

/// <summary>Sends one webhook and says what came of it; never throws for the receiver's failures (they are the answer).</summary>
public interface IWebhookSender
{
    Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken cancellationToken = default);
}
