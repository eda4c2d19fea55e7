
namespace Outpost.Engine.Queue;

/// <summary>Takes claimed work and sees it delivered: local work to mailboxes, remote work to its destination.</summary>
public interface IDeliveryDispatcher
{
    void Dispatch(DeliveryWork work);
}
