using Outpost.Engine.Queue;

namespace Outpost.Engine.Delivery;

/// <summary>Sends local work to the mailbox writers and remote work to its destination's queue.</summary>
public sealed class DeliveryDispatcher(LocalDeliveryQueue local, RemoteDispatcher remote) : IDeliveryDispatcher
{
    public void Dispatch(DeliveryWork work)
    {
        if (work.Recipients.Count == 0)
            return;
        if (work.Recipients[0].Route == Route.Local)
            local.Enqueue(work);
        else
            remote.Enqueue(work);
    }
}
