using Microsoft.Extensions.Logging;
using Outpost.Engine.Audit;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Delivery;

/// <summary>
/// Lets the mail that waits for a destination go at once when the destination works again: after a
/// channel's circuit was open (the receiver restarted, dropped every connection, or refused for a while)
/// and a probe got through, every deferred recipient of that domain becomes due now instead of at its
/// next retry, which may be many minutes away. Each change is <see cref="RecipientTransitions.RetryNow"/>
/// (the status stays deferred, no event), applied by the queue store in batches, like an operator's
/// "retry now", and the run writes one line to the audit trail as Outpost itself, so
/// <c>outpost audit list</c> says why the mail moved.
/// Talks to: the queue store, the audit trail. Security stance: it only moves the time of a next try,
/// never a status; a recipient under a delivery's lease is left alone.
/// </summary>
public sealed class DestinationRelease(IQueueStore queue, IAuditStore audit, TimeProvider time, ILogger<DestinationRelease> logger)
{
    const int BatchSize = 500;
    readonly HashSet<string> _running = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Starts the release of <paramref name="domain"/>'s deferred mail in the background (once at a time per domain).</summary>
    public void Start(string domain, string channel)
    {
        lock (_running)
            if (!_running.Add(domain))
                return;
        _ = Task.Run(async () =>
        {
            try
            {
                await ReleaseAsync(domain, channel, CancellationToken.None);
            }
            catch (Exception ex)
            {
                // The mail keeps its retry schedule: late, not lost.
                logger.LogWarning(ex, "Could not release the mail waiting for {Domain}", domain);
            }
            finally
            {
                lock (_running)
                    _running.Remove(domain);
            }
        });
    }

    /// <summary>Makes every deferred recipient of <paramref name="domain"/> due now; returns how many changed.</summary>
    public async Task<int> ReleaseAsync(string domain, string channel, CancellationToken cancellationToken)
    {
        var selection = new QueueSelection { Domain = domain.ToLowerInvariant(), Status = RecipientStatus.Deferred };
        var started = time.GetUtcNow();
        var reason = $"channel {channel} delivers to {domain} again after its cool-down";
        AuditEntry? entry = null;
        var changed = 0;
        long after = 0;
        while (true)
        {
            var page = await queue.WaitingAsync(selection, started, after, BatchSize, cancellationToken);
            if (page.Count == 0)
                break;
            after = page[^1].Recipient.Id;
            var now = time.GetUtcNow();
            var waiting = page.Where(w => !w.InDelivery(now) && w.Recipient.Status == RecipientStatus.Deferred && w.Recipient.NextAttemptAt > now).ToList();
            if (waiting.Count == 0)
                continue;
            entry ??= await audit.AddAsync(new AuditEntry(0, started, AuditActor.Outpost.Name, AuditActor.Outpost.Via, QueueActions.Name(QueueAction.Retry),
                selection.ToString(), null, reason, 0, 0), cancellationToken);
            var why = $"retried by {AuditActor.Outpost.Name}: {reason} (audit {entry.Id})";
            var transitions = waiting.Select(w => RecipientTransitions.RetryNow(w.Recipient, why)).ToList();
            var result = await queue.ApplyOperatorBatchAsync(new OperatorBatch(entry.Id, now, transitions, [], now, 0), cancellationToken);
            changed += result.Changed.Count;
        }
        if (entry is not null)
            logger.LogInformation("{Domain} answers again through channel {Channel}: {Count} waiting recipient(s) are tried now (audit {Audit})",
                domain, channel, changed, entry.Id);
        return changed;
    }
}
