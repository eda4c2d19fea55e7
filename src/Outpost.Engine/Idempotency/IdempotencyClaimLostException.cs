namespace Outpost.Engine.Idempotency;

/// <summary>
/// A message was to be queued under an idempotency key that its request no longer holds: the claim went
/// stale and another request took the key over, or the key was purged. Nothing of that message is queued.
/// </summary>
public sealed class IdempotencyClaimLostException(long keyId)
    : InvalidOperationException($"The claim on idempotency key {keyId} was taken over; the message was not queued.")
{
    public long KeyId { get; } = keyId;
}
