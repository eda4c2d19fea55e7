using Outpost.Engine.Secrets;

namespace Outpost.Engine.Routing.Channels;

/// <summary>
/// Relay passwords at rest and in use: sealed with the key ring when a channel is added, opened only
/// when a relay asks for AUTH, never logged or shown. On start, passwords an earlier version stored in
/// plain text (marked <c>plain:</c> by migration 0017) are sealed in place.
/// </summary>
public sealed class RelayPasswords(SecretSealer sealer, IChannelStore store)
{
    public string Seal(string password) => sealer.Seal(password, SecretKind.RelayPassword);

    /// <summary>The channel's password for AUTH; empty when it has none.</summary>
    public string Open(Channel channel) => channel.SealedPassword is { Length: > 0 } stored ? sealer.Open(stored, SecretKind.RelayPassword) : "";

    /// <summary>Seals every password not sealed the current way; returns how many were sealed again.</summary>
    public async Task<int> ResealAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var channel in await store.ListAsync(cancellationToken))
        {
            if (channel.SealedPassword is not { Length: > 0 } stored || SecretSealer.IsCurrent(stored))
                continue;
            var resealed = Seal(sealer.Open(stored, SecretKind.RelayPassword));
            // Only if nobody changed it meanwhile (a command re-adding the channel).
            if (await store.ReplacePasswordAsync(channel.Name, stored, resealed, cancellationToken))
                count++;
        }
        return count;
    }
}
