namespace Outpost.Engine.Idempotency;

/// <summary>
/// One stored idempotency key: whose it is (<paramref name="Scope"/>, the caller), the SHA-256 of the key
/// string (the key itself is the client's and is not kept), the hash of the request it was first used for,
/// its state and the token of the claim that holds or held it, when it began and when it was last claimed,
/// and once done the answer and the message queued (if any).
/// </summary>
public sealed record IdempotencyRecord(
    long Id,
    string Scope,
    string KeyHash,
    string RequestHash,
    IdempotencyState State,
    string Token,
    DateTimeOffset CreatedAt,
    DateTimeOffset ClaimedAt,
    string? MessageId,
    StoredAnswer? Answer);
