namespace Outpost.Engine.Webhooks;

/// <summary>
/// A recipient deferred again and again would send an endpoint an event every retry. It gets the first
/// deferral of a recipient, then at most one an hour: a deferred event goes when the endpoint got no
/// deferral of that recipient yet, or the last one it got is an hour older (by the events' own times, so
/// a backlog sent late is thinned the same way).
/// </summary>
public static class DeferredThrottle
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public static bool Allows(DateTimeOffset? lastSent, DateTimeOffset eventAt) => lastSent is not { } last || eventAt - last >= Interval;
}
