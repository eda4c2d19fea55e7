namespace Outpost.Engine.Idempotency;

/// <summary>
/// A request's hold on an idempotency key: the key's row and the claim's own random token. Every write
/// that finishes or lets go of the key names the token, so a request whose claim was taken over (it was
/// stale) can no longer write anything for the key.
/// </summary>
public sealed record IdempotencyTicket(long KeyId, string Token);
