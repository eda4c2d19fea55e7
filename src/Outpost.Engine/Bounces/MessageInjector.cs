using MimeKit;
using Outpost.Engine.Queue;
using Outpost.Engine.Routing;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Bounces;

/// <summary>
/// Queues a message Outpost makes itself (bounces): spooled and sealed in the body store, routed, then committed and
/// handed to delivery by the same <see cref="MessageEnqueuer"/> as one that came in over SMTP.
/// </summary>
public sealed class MessageInjector(MessageSpool spool, IMessageBodyStore bodies, MessageEnqueuer enqueuer, Router router, TimeProvider time)
{
    static readonly FormatOptions SpoolFormat = CrlfFormat();

    static FormatOptions CrlfFormat()
    {
        var format = FormatOptions.Default.Clone();
        format.NewLineFormat = NewLineFormat.Dos;
        return format;
    }

    public async Task<string> InjectAsync(MimeMessage message, string sender, string recipient, string source, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var id = QueueId.New(now);
        var path = spool.PathFor(id);
        long size;
        var sealedBody = false;
        try
        {
            await using (var file = spool.Create(id))
            {
                // The spool holds the bytes as they go out: CRLF lines (MimeKit's default on Linux is a bare LF,
                // which a receiver reads as one endless line once the message is longer than 1,000 bytes).
                await message.WriteToAsync(SpoolFormat, file, cancellationToken);
                size = file.Length;
                await bodies.SealAsync(id, file, cancellationToken);
                sealedBody = true;
            }
            var domain = recipient[(recipient.IndexOf('@') + 1)..];
            var queued = new QueuedMessage(id, sender, message.Subject, size, null, null, null, source, now, path);
            var route = await router.RouteAsync(recipient, domain, cancellationToken);
            await enqueuer.EnqueueAsync(new NewMessage(queued, [new NewRecipient(recipient, domain, route)]));
            bodies.ReleaseStaged(id);
            return id;
        }
        catch
        {
            MessageSpool.Delete(path);
            if (sealedBody)
                await bodies.DeleteAsync(id, CancellationToken.None);
            throw;
        }
    }
}
