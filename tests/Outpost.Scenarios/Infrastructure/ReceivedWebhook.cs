using System.Text.Json;

namespace Outpost.Scenarios.Infrastructure;

/// <summary>One POST the webhook receiver got: its webhook-id, the payload's type, whether the signature verified (and why not), the answer it gave, and the body when asked for.</summary>
public sealed record ReceivedWebhook(string? Id, string? Type, bool Valid, string? Error, int Status, string? Body, long At)
{
    public JsonElement Data => JsonDocument.Parse(Body ?? throw new InvalidOperationException("Read the receiver with bodies.")).RootElement.GetProperty("data");
}
