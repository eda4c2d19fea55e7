namespace Outpost.Engine.Routing.Channels;

/// <summary>
/// The outcomes of the last few tries through one channel towards one destination, newest replacing
/// oldest. The circuit breaker asks it whether failures are the rule or the exception: a handful of
/// connections that broke together among many good ones (a receiver that dropped its open connections)
/// is the exception. Not thread-safe: the tracker locks around it.
/// </summary>
public sealed class RecentTries(int size)
{
    readonly bool[] _failed = new bool[Math.Max(1, size)];
    int _next;
    int _count;
    int _failures;

    public void Add(bool failed)
    {
        if (_count == _failed.Length)
        {
            if (_failed[_next])
                _failures--;
        }
        else
        {
            _count++;
        }
        _failed[_next] = failed;
        if (failed)
            _failures++;
        _next = (_next + 1) % _failed.Length;
    }

    /// <summary>Whether at least half of the remembered tries failed.</summary>
    public bool MostlyFailed => _failures * 2 >= _count;
}
