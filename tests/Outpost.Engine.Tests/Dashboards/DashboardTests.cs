using Outpost.Engine.SendLog;

namespace Outpost.Engine.Tests.Dashboards;

public sealed class DashboardTests
{
    static readonly DateTimeOffset Now = new(2025, 3, 4, 10, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Queue_depth_is_worked_back_from_the_depth_now_hour_by_hour()
    {
        var since = Now.AddHours(-3);
        // 10:00–10:30: 5 came in, 1 left; 09:00: 2 in, 4 out; 08:00: nothing; 07:00: 3 in.
        var flow = new[]
        {
            new QueueFlow(new DateTimeOffset(2025, 3, 4, 10, 0, 0, TimeSpan.Zero), 5, 1),
            new QueueFlow(new DateTimeOffset(2025, 3, 4, 9, 0, 0, TimeSpan.Zero), 2, 4),
            new QueueFlow(new DateTimeOffset(2025, 3, 4, 7, 0, 0, TimeSpan.Zero), 3, 0),
        };
        var depth = Dashboard.QueueDepth(flow, waitingNow: 6, since, Now);
        Assert.Equal([1, 4, 4, 2, 6], depth.Select(p => p.Depth));
        Assert.Equal(Now, depth[^1].At);
        Assert.Equal(new DateTimeOffset(2025, 3, 4, 7, 0, 0, TimeSpan.Zero), depth[0].At);
    }

    [Fact]
    public void A_depth_below_zero_after_a_purge_reads_as_zero()
    {
        var depth = Dashboard.QueueDepth([new QueueFlow(Dashboard.HourOf(Now), 9, 0)], waitingNow: 2, Now.AddHours(-1), Now);
        Assert.All(depth.Take(depth.Count - 1), p => Assert.Equal(0, p.Depth));
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var p = Dashboard.Percentiles(Enumerable.Range(1, 100).Select(i => (long)i * 1000).Reverse().ToList())!;
        Assert.Equal(100, p.Count);
        Assert.Equal(TimeSpan.FromSeconds(50), p.P50);
        Assert.Equal(TimeSpan.FromSeconds(90), p.P90);
        Assert.Equal(TimeSpan.FromSeconds(99), p.P99);
        Assert.Equal(TimeSpan.FromSeconds(100), p.Max);
        Assert.Null(Dashboard.Percentiles([]));
    }
}
