namespace Outpost.Engine.Queue;

/// <summary>No notices (SQLite: one node, and its own submissions are dispatched at once): the loop polls.</summary>
public sealed class PollingWakeups : IQueueWakeups
{
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        await Task.Delay(timeout, time, cancellationToken);
        return false;
    }
}
