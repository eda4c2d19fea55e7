using System.Diagnostics;
using Outpost.Engine.Metrics;

namespace Outpost.Engine.Queue;

/// <summary>
/// The tail every new message goes through, whoever made it (SMTP and API submission, bounces): the
/// <see cref="QueueCommitter"/> makes the message and its recipients durable, then each destination's
/// work is handed to delivery at once. Held recipients wait for their review.
/// Talks to: the committer, and the <see cref="IDeliveryDispatcher"/> that delivery attached. Delivery is a
/// layer above the queue and queues bounces through here itself, so it is not handed in: its dispatcher
/// attaches itself when it is built (<c>DeliveryDispatcher</c>'s constructor; <c>EngineServices.AttachDelivery</c>
/// builds it in every process), and the queue never imports delivery. Work committed while nothing is
/// attached keeps its lease and is claimed by the scheduler when the lease runs out, like that of a crash.
/// Security: none of its own; callers have checked the message before.
/// </summary>
public sealed class MessageEnqueuer(QueueCommitter committer)
{
    IDeliveryDispatcher? _dispatcher;

    /// <summary>Delivery's dispatcher, attached once.</summary>
    public void Attach(IDeliveryDispatcher dispatcher)
    {
        if (Interlocked.CompareExchange(ref _dispatcher, dispatcher, null) is not null)
            throw new InvalidOperationException("A delivery dispatcher is attached to the queue already.");
    }

    /// <summary>Commits the message and hands its open recipients to delivery; returns every recipient as queued.</summary>
    public async Task<IReadOnlyList<QueuedRecipient>> EnqueueAsync(NewMessage message)
    {
        // The submission's span (when traced) is the parent of this one and of the deliveries handed over below.
        var origin = Activity.Current?.Context ?? default;
        using var span = OutpostTracing.Source.StartActivity(OutpostTracing.Enqueue);
        span?.SetTag(OutpostTracing.QueueIdTag, message.Message.Id);
        var queued = await committer.CommitAsync(message);
        span?.SetTag("outpost.recipients", queued.Count);
        if (Volatile.Read(ref _dispatcher) is { } dispatcher)
            foreach (var work in WorkGrouping.Split(message.Message, queued.Where(r => r.Status != RecipientStatus.Held), origin))
                dispatcher.Dispatch(work);
        return queued;
    }
}
