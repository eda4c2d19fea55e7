namespace Outpost.Engine.SendLog;

/// <summary>
/// The aggregates a store reads for the dashboard, in one scope and time range. The store only counts;
/// <see cref="Dashboard"/> turns the counts into percentiles and the queue's depth over time.
/// </summary>
public sealed record DashboardCounts(
    IReadOnlyList<HourlyCount> Hourly,
    IReadOnlyList<long> LatenciesMs,
    IReadOnlyList<ReasonCount> Reasons,
    IReadOnlyList<OutcomeCount> Channels,
    IReadOnlyList<OutcomeCount> Destinations,
    IReadOnlyList<QueueFlow> Flow,
    int WaitingNow,
    IReadOnlyList<RefusalCount> Refusals);
