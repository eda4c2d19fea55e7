namespace Outpost.Engine.SendLog;

/// <summary>
/// The dashboard's rules over the store's counts: delivery latency percentiles (nearest rank) and the
/// queue's depth at the start of each hour, worked back from the depth now. Depth is not sampled into a table:
/// every recipient that enters or leaves the queue writes an event, so the depth an hour ago is the depth
/// now minus what came in since plus what left since. It stays exact as long as the events of the range
/// are kept (retention purges them only after the history it keeps).
/// </summary>
public static class Dashboard
{
    public static LatencyPercentiles? Percentiles(IReadOnlyList<long> latenciesMs)
    {
        if (latenciesMs.Count == 0)
            return null;
        var sorted = latenciesMs.ToArray();
        Array.Sort(sorted);
        TimeSpan At(double p) => TimeSpan.FromMilliseconds(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)]);
        return new LatencyPercentiles(sorted.Length, At(0.50), At(0.90), At(0.99), TimeSpan.FromMilliseconds(sorted[^1]));
    }

    /// <summary>
    /// The depth at the start of every hour from <paramref name="since"/> to <paramref name="now"/>, the last
    /// point being now. A negative depth (events purged or a count raced with a write) reads as zero.
    /// </summary>
    public static IReadOnlyList<QueueDepthPoint> QueueDepth(IReadOnlyList<QueueFlow> flow, int waitingNow, DateTimeOffset since, DateTimeOffset now)
    {
        var byHour = flow.ToDictionary(f => f.Hour);
        var points = new List<QueueDepthPoint> { new(now, waitingNow) };
        var depth = waitingNow;
        // Walk back hour by hour: undo the current hour's flow to get the depth at its start.
        for (var hour = HourOf(now); hour >= HourOf(since); hour = hour.AddHours(-1))
        {
            if (byHour.TryGetValue(hour, out var f))
                depth -= f.Entered - f.Left;
            points.Add(new QueueDepthPoint(hour, Math.Max(0, depth)));
        }
        points.Reverse();
        return points;
    }

    public static DateTimeOffset HourOf(DateTimeOffset at) =>
        new(at.UtcTicks - at.UtcTicks % TimeSpan.TicksPerHour, TimeSpan.Zero);
}
