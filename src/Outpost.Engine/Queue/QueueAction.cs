namespace Outpost.Engine.Queue;

/// <summary>
/// What an operator can do to a selection of waiting recipients (postsuper's -h, -H, -r and -d are the
/// anchor). The same words in the CLI (<c>outpost queue hold</c>), the API (<c>POST /api/v1/queue/hold</c>),
/// the queue page and the audit trail: <see cref="QueueActions.Name"/>.
/// </summary>
public enum QueueAction
{
    /// <summary>Try its deferred recipients again now.</summary>
    Retry,

    /// <summary>Keep its queued and deferred recipients in the queue without trying them.</summary>
    Hold,

    /// <summary>Let held recipients go: they are tried at once.</summary>
    Release,

    /// <summary>Remove its waiting recipients without telling the sender (final status deleted).</summary>
    Delete,

    /// <summary>Remove its waiting recipients and send the sender a bounce saying so (final status bounced).</summary>
    Bounce,
}
