using System.Collections.Concurrent;
using Outpost.Engine.Webhooks;

namespace Outpost.Engine.Tests.Webhooks;

/// <summary>A receiver in memory: records every request in order and answers as <see cref="Answer"/> says (200 unless told otherwise).</summary>
internal sealed class FakeWebhookSender : IWebhookSender
{
    public ConcurrentQueue<WebhookRequest> Requests { get; } = new();
    public Func<WebhookRequest, int> Answer { get; set; } = _ => 200;

    public Task<WebhookResponse> SendAsync(WebhookRequest request, CancellationToken cancellationToken = default)
    {
        Requests.Enqueue(request);
        var code = Answer(request);
        return Task.FromResult(new WebhookResponse(code, code is >= 200 and < 300 ? null : "refused by the test", TimeSpan.FromMilliseconds(3)));
    }

    public IReadOnlyList<string> Ids => Requests.Select(r => r.WebhookId).ToList();
}
