namespace Outpost.Engine.Queue;

/// <summary>
/// Wakes an idle delivery loop when another process has made work claimable (PostgreSQL's
/// <c>LISTEN/NOTIFY</c>); a back end without notices only waits. Polling stays the fallback either way:
/// a notice can be lost with its connection, and retries fall due without one.
/// </summary>
public interface IQueueWakeups
{
    /// <summary>Waits up to <paramref name="timeout"/>; true when a notice came first, false when the time ran out.</summary>
    Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken);
}
