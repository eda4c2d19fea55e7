using Outpost.Engine.Queue;

namespace Outpost.Engine.Delivery;

/// <summary>
/// Sends local work to the mailbox writers and remote work to its destination's queue. Built, it attaches
/// itself to the queue's <see cref="MessageEnqueuer"/>, so what is queued from then on (submissions,
/// bounces) is delivered at once; the queue, a layer below, never names it.
/// </summary>
public sealed class DeliveryDispatcher : IDeliveryDispatcher
{
    readonly LocalDeliveryQueue _local;
    readonly RemoteDispatcher _remote;

    public DeliveryDispatcher(LocalDeliveryQueue local, RemoteDispatcher remote, MessageEnqueuer enqueuer)
    {
        _local = local;
        _remote = remote;
        enqueuer.Attach(this);
    }

    public void Dispatch(DeliveryWork work)
    {
        if (work.Recipients.Count == 0)
            return;
        if (work.Recipients[0].Route == Route.Local)
            _local.Enqueue(work);
        else
            _remote.Enqueue(work);
    }
}
