using System.Collections.Concurrent;
using Outpost.Engine.Secrets;

namespace Outpost.Engine.Webhooks;

/// <summary>
/// Endpoint secrets at rest and in use: sealed with the key ring (<see cref="SecretSealer"/>) when an
/// endpoint is added, opened into signing keys when it is first signed for (kept in memory, never logged
/// or shown again). On start, secrets an earlier version sealed with the old secret box are sealed again.
/// </summary>
public sealed class WebhookKeyring(SecretSealer sealer)
{
    // By the sealed value, which is unique per endpoint (a fresh nonce each): no stale key after a remove and re-add.
    readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    public string Seal(string secret) => sealer.Seal(secret, SecretKind.WebhookSecret);

    /// <summary>The endpoint's signing key; a <see cref="System.Security.Cryptography.CryptographicException"/> when its secret does not open.</summary>
    public byte[] KeyOf(WebhookEndpoint endpoint) => _keys.GetOrAdd(endpoint.SealedSecret, s => WebhookSecret.Key(sealer.Open(s, SecretKind.WebhookSecret)));

    /// <summary>Seals every endpoint's secret that is not sealed the current way; returns how many were sealed again.</summary>
    public async Task<int> ResealAsync(IWebhookStore store, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var endpoint in await store.EndpointsAsync(allDomains: true, cancellationToken: cancellationToken))
        {
            if (SecretSealer.IsCurrent(endpoint.SealedSecret))
                continue;
            var resealed = Seal(sealer.Open(endpoint.SealedSecret, SecretKind.WebhookSecret));
            if (await store.ReplaceSecretAsync(endpoint.Id, endpoint.SealedSecret, resealed, cancellationToken))
                count++;
        }
        return count;
    }
}
