using System.Collections.Concurrent;
using Outpost.Engine.Secrets;

namespace Outpost.Engine.Webhooks;

/// <summary>
/// Endpoint secrets at rest and in use: sealed by the <see cref="SecretBox"/> when an endpoint is added,
/// opened into signing keys when it is first signed for (kept in memory, never logged or shown again).
/// </summary>
public sealed class WebhookKeyring(SecretBox box)
{
    public const string Purpose = "webhook-secret";

    // By the sealed value, which is unique per endpoint (a fresh nonce each): no stale key after a remove and re-add.
    readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public string Seal(string secret) => box.Seal(secret, Purpose);

    /// <summary>The endpoint's signing key; a <see cref="System.Security.Cryptography.CryptographicException"/> when its secret does not open.</summary>
    public byte[] KeyOf(WebhookEndpoint endpoint) => _keys.GetOrAdd(endpoint.SealedSecret, s => WebhookSecret.Key(box.Open(s, Purpose)));
}
