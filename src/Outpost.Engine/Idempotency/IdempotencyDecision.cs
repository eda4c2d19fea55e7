namespace Outpost.Engine.Idempotency;

/// <summary>What a request may do with the key it presents, given the key's row as it stands.</summary>
public enum IdempotencyDecision
{
    /// <summary>The key is free (unknown, expired, or held by a claim gone stale): claim it and do the work.</summary>
    Take,

    /// <summary>The same request was answered before: give that answer again, do nothing.</summary>
    Replay,

    /// <summary>The key was used for a different request within the window: refuse.</summary>
    Mismatch,

    /// <summary>The same request is being worked on right now: wait for its answer, or tell the client to retry.</summary>
    Busy,
}
