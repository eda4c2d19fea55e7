namespace Outpost.Engine.Queue;

/// <summary>What an operator can do to one queued message.</summary>
public enum QueueAction
{
    /// <summary>Try its deferred recipients again now.</summary>
    Retry,

    /// <summary>Keep its waiting recipients in the queue without trying them.</summary>
    Hold,

    /// <summary>Let a held message go: it is tried at once.</summary>
    Release,
}
