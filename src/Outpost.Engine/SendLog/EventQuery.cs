namespace Outpost.Engine.SendLog;

/// <summary>
/// Which events to read: after an id (readers keep their place by it) and up to one (a reader's snapshot
/// of the newest), of one message, of one type, of one sending domain.
/// </summary>
public sealed record EventQuery(long AfterId = 0, string? MessageId = null, string? Type = null, int Limit = 100)
{
    /// <summary>At most this id; null for no bound.</summary>
    public long? UpTo { get; init; }

    /// <summary>Only events whose sender is of this domain (lower case); null for every domain.</summary>
    public string? SenderDomain { get; init; }
}
