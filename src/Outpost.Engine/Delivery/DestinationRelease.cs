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
/// A release cannot see a deferral that is still on its way to the store: a delivery that found the
/// circuit open (or failed during the outage) just before the probe got through is still under its lease
/// while the release reads, and commits its 5-minute retry afterwards. So every release counts a
/// generation per domain, and a delivery notes the generation before it looks at the circuits
/// (<see cref="Generation"/>); once its deferral is stored it asks <see cref="CatchUpAsync"/>, which lets
/// that message's recipients go at once if a release began in between. The generation moves before the
/// release reads and is read after the deferral is stored, so each such deferral is seen by one or the
/// other. The generations are this process's: on several nodes each node's deliveries follow its own
/// circuits.
/// Talks to: the queue store, the audit trail. Security stance: it only moves the time of a next try,
/// never a status; a recipient under a delivery's lease is left alone.
/// </summary>
public sealed class DestinationRelease(IQueueStore queue, IAuditStore audit, TimeProvider time, ILogger<DestinationRelease> logger)
{
    const int BatchSize = 500;
    readonly HashSet<string> _running = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<string, long> _generations = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How many releases of <paramref name="domain"/> have begun; a delivery notes it before it decides.</summary>
    public long Generation(string domain)
    {
        lock (_generations)
            return _generations.GetValueOrDefault(domain);
    }

    /// <summary>Starts the release of <paramref name="domain"/>'s deferred mail in the background (once at a time per domain).</summary>
    public void Start(string domain, string channel)
    {
        // The generation moves even when a release is running already: that one may have read past a
        // deferral that is still being stored, and the delivery that stores it catches up by itself.
        Advance(domain);
        lock (_running)
            if (!_running.Add(domain))
                return;
        _ = Task.Run(async () =>
        {
            try
            {
                await ReleaseAsync(DomainSelection(domain), domain, Reason(domain, channel), CancellationToken.None);
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

    void Advance(string domain)
    {
        lock (_generations)
            _generations[domain] = _generations.GetValueOrDefault(domain) + 1;
    }

    /// <summary>Makes every deferred recipient of <paramref name="domain"/> due now; returns how many changed.</summary>
    public Task<int> ReleaseAsync(string domain, string channel, CancellationToken cancellationToken)
    {
        Advance(domain);
        return ReleaseAsync(DomainSelection(domain), domain, Reason(domain, channel), cancellationToken);
    }

    static QueueSelection DomainSelection(string domain) => new() { Domain = domain.ToLowerInvariant(), Status = RecipientStatus.Deferred };

    static string Reason(string domain, string channel) => $"channel {channel} delivers to {domain} again after its cool-down";

    /// <summary>
    /// After a delivery stored a deferral of <paramref name="messageId"/>'s recipients at <paramref name="domain"/>:
    /// when a release began since the delivery noted <paramref name="generation"/>, those recipients go now
    /// (the release may have passed them while they were still under the delivery's lease). Returns how many changed.
    /// </summary>
    public async Task<int> CatchUpAsync(string domain, string messageId, long generation, CancellationToken cancellationToken)
    {
        if (Generation(domain) == generation)
            return 0;
        try
        {
            return await ReleaseAsync(new QueueSelection { MessageId = messageId, Domain = domain.ToLowerInvariant(), Status = RecipientStatus.Deferred }, domain,
                $"{domain} answered again while this delivery was deferred", cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The deferral is stored: the mail keeps its retry schedule, late, not lost.
            logger.LogWarning(ex, "Could not release message {Id} waiting for {Domain}", messageId, domain);
            return 0;
        }
    }

    async Task<int> ReleaseAsync(QueueSelection selection, string domain, string reason, CancellationToken cancellationToken)
    {
        var started = time.GetUtcNow();
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
            logger.LogInformation("{Domain} answers again: {Count} waiting recipient(s) are tried now ({Reason}; audit {Audit})",
                domain, changed, reason, entry.Id);
        return changed;
    }
}
