using System.Collections.Concurrent;

namespace Outpost.Engine.Accounts;

/// <summary>
/// Failed logins counted in this process: right for one node (SQLite mode), where nothing else could count
/// them. Memory is bounded: past 100,000 keys the ones with no failure left in the window are swept.
/// </summary>
public sealed class MemoryLoginFailures : ILoginFailureStore
{
    const int MostKeys = 100_000;
    readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    public Task<IReadOnlyList<int>> AddAsync(IReadOnlyList<string> keys, DateTimeOffset at, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        var counts = keys.Select(key =>
        {
            var queue = _failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
            lock (queue)
            {
                Trim(queue, since);
                queue.Enqueue(at);
                return queue.Count;
            }
        }).ToList();
        if (_failures.Count > MostKeys)
            Sweep(since);
        return Task.FromResult<IReadOnlyList<int>>(counts);
    }

    public Task<IReadOnlyList<int>> CountAsync(IReadOnlyList<string> keys, DateTimeOffset since, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<int>>(keys.Select(key =>
        {
            if (!_failures.TryGetValue(key, out var queue))
                return 0;
            lock (queue)
            {
                Trim(queue, since);
                return queue.Count;
            }
        }).ToList());

    static void Trim(Queue<DateTimeOffset> queue, DateTimeOffset since)
    {
        while (queue.Count > 0 && queue.Peek() < since)
            queue.Dequeue();
    }

    void Sweep(DateTimeOffset since)
    {
        foreach (var (key, queue) in _failures)
            lock (queue)
            {
                Trim(queue, since);
                if (queue.Count == 0)
                    _failures.TryRemove(key, out _);
            }
    }
}
