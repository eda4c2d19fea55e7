using MimeKit;
using Outpost.Engine.Delivery;
using Outpost.Engine.Queue;
using Outpost.Engine.Routing;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Submission;

/// <summary>
/// Queues a message Outpost makes itself (bounces now; later API submissions): spooled with fsync,
/// committed, routed and dispatched exactly like one that came in over SMTP.
/// </summary>
public sealed class MessageInjector(MessageSpool spool, QueueCommitter committer, Router router, Lazy<IDeliveryDispatcher> dispatcher, TimeProvider time)
{
    public async Task<string> InjectAsync(MimeMessage message, string sender, string recipient, string source, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var id = QueueId.New(now);
        var path = spool.PathFor(id);
        long size;
        await using (var file = spool.Create(id))
        {
            await message.WriteToAsync(FormatOptions.Default, file, cancellationToken);
            file.Flush(flushToDisk: true);
            size = file.Length;
        }
        try
        {
            var domain = recipient[(recipient.IndexOf('@') + 1)..];
            var queued = new QueuedMessage(id, sender, message.Subject, size, null, null, null, source, now, path);
            var route = await router.RouteAsync(recipient, domain, cancellationToken);
            var recipients = await committer.CommitAsync(new NewMessage(queued, [new NewRecipient(recipient, domain, route)]));
            foreach (var work in WorkGrouping.Split(queued, recipients))
                dispatcher.Value.Dispatch(work);
            return id;
        }
        catch
        {
            MessageSpool.Delete(path);
            throw;
        }
    }
}
