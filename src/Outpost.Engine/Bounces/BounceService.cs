using Microsoft.Extensions.Logging;
using MimeKit;
using Outpost.Engine.Configuration;
using Outpost.Engine.Queue;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Bounces;

/// <summary>
/// Sends the sender a delivery status notification for recipients that failed for good. The
/// notification itself goes out with the null sender &lt;&gt;, so it can never cause another bounce.
/// </summary>
public sealed class BounceService(OutpostOptions options, IMessageBodyStore bodies, MessageInjector injector, TimeProvider time, ILogger<BounceService> logger)
{
    public async Task SendAsync(QueuedMessage original, IReadOnlyList<RecipientOutcome> failed, CancellationToken cancellationToken = default)
    {
        try
        {
            MimeMessage dsn;
            await using (var content = await bodies.OpenReadAsync(original.Id, cancellationToken))
                dsn = DsnBuilder.Build(options.Hostname, original, failed, content, time.GetUtcNow());
            var id = await injector.InjectAsync(dsn, sender: "", recipient: original.Sender, source: "bounce", cancellationToken);
            logger.LogInformation("{Id}: bounce {BounceId} sent to <{Sender}> for {Count} recipient(s)", original.Id, id, original.Sender, failed.Count);
        }
        catch (Exception ex) when (ex is IOException or FormatException or ParseException or InvalidOperationException or System.Data.Common.DbException)
        {
            logger.LogError(ex, "{Id}: could not create the bounce for <{Sender}>", original.Id, original.Sender);
        }
    }
}
