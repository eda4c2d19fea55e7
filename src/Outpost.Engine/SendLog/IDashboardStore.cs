namespace Outpost.Engine.SendLog;

/// <summary>The send log's aggregates for the dashboard, read from the events outbox and the refusals.</summary>
public interface IDashboardStore
{
    Task<DashboardCounts> CountsAsync(DashboardQuery query, CancellationToken cancellationToken = default);
}
