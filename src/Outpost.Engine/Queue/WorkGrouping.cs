using System.Diagnostics;

namespace Outpost.Engine.Queue;

/// <summary>Splits a message's recipients into units of delivery: local ones one by one, remote ones by domain.</summary>
public static class WorkGrouping
{
    /// <param name="origin">The submission's trace, for work handed to delivery straight from the enqueue.</param>
    public static IEnumerable<DeliveryWork> Split(QueuedMessage message, IEnumerable<QueuedRecipient> recipients, ActivityContext origin = default)
    {
        foreach (var group in recipients.GroupBy(r => (r.Route, r.Route == Route.Local ? r.Address : r.Domain)))
            yield return new DeliveryWork(message, group.ToList()) { Origin = origin };
    }
}
