namespace Outpost.Engine.Idempotency;

/// <summary>
/// The state machine of an idempotency key, as pure decisions (stores only apply them):
/// <code>
///   (none) ──take──► in-progress ──message queued (same transaction) / final refusal──► done ──window passes──► (none)
///                        │  └─transient refusal (409, 429, 5xx) or failure: released──► (none)
///                        └─no answer for StaleAfter: another request may take it over (new token)
/// </code>
/// Within the window a key belongs to the first request's hash: the same request replays the answer, a
/// different one is refused.
/// </summary>
public static class IdempotencyRules
{
    public const int MaxKeyLength = 255;

    /// <summary>
    /// A claim that has written nothing for this long belongs to a request that died before queueing (a
    /// crash, a kill). The claim is taken after the whole body has arrived, so a live request gets from
    /// here to its enqueue in seconds; should one be slower still, the token it holds no longer matches
    /// and its enqueue is refused, so a takeover can never lead to two messages.
    /// </summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(1);

    /// <summary>1–255 printable ASCII characters (space to tilde), as payment APIs take them.</summary>
    public static bool IsValidKey(string key) =>
        key.Length is > 0 and <= MaxKeyLength && key.All(c => c is >= ' ' and <= '~');

    public static IdempotencyDecision Decide(IdempotencyRecord? key, string requestHash, DateTimeOffset now, TimeSpan window)
    {
        if (key is null || now >= key.CreatedAt + window)
            return IdempotencyDecision.Take;
        if (!string.Equals(key.RequestHash, requestHash, StringComparison.Ordinal))
            return IdempotencyDecision.Mismatch;
        if (key.State == IdempotencyState.Done)
            return IdempotencyDecision.Replay;
        return now >= key.ClaimedAt + StaleAfter ? IdempotencyDecision.Take : IdempotencyDecision.Busy;
    }

    /// <summary>
    /// Answers that say "not now" rather than "no": 409 (a conflict that passes), 429 (a rate limit) and 5xx
    /// (a temporary failure, or SMTP's 4xx). They queued nothing and are not stored, so a retry with the
    /// same key tries again; every other answer is the key's answer for the whole window.
    /// </summary>
    public static bool IsTransient(int status) => status is 409 or 429 or >= 500;
}
