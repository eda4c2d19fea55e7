using Microsoft.Extensions.Logging;
using Outpost.Engine.Bounces;
using Outpost.Engine.Queue;
using Outpost.Engine.Spool;
using Outpost.Engine.Suppression;

namespace Outpost.Engine.Delivery;

/// <summary>
/// Turns the results of a try into queue state, one place for local and remote delivery alike:
/// <see cref="RecipientTransitions"/> decides each recipient's change (temporary failures deferred on
/// the retry schedule, expired once the message is too old; permanent ones bounced), the store applies
/// it with its event; bounces go to the sender (never when the sender was &lt;&gt;), and a message with no
/// open recipient left leaves the body store.
/// </summary>
public sealed class DeliveryRecorder(IQueueStore store, OutcomeCommitter committer, IMessageBodyStore bodies, RetrySchedule schedule, BounceService bounces, SuppressionService suppressions,
    Metrics.OutpostMetrics metrics, TimeProvider time, ILogger<DeliveryRecorder> logger)
{
    /// <param name="tries">Earlier tries in the same delivery (through channels that failed over), recorded as attempts only.</param>
    public async Task RecordAsync(QueuedMessage message, IReadOnlyList<AttemptResult> results,
        IReadOnlyList<(QueuedRecipient Recipient, DeliveryAttempt Attempt)>? tries = null, CancellationToken cancellationToken = default)
    {
        if (tries is { Count: > 0 })
            await store.RecordTriesAsync(tries, cancellationToken);
        var outcomes = new List<RecipientOutcome>(results.Count);
        var failed = new List<RecipientOutcome>();
        foreach (var result in results)
        {
            var outcome = result.Kind switch
            {
                AttemptKind.Delivered => RecipientTransitions.Delivered(result.Recipient, result.Attempt),
                AttemptKind.Permanent => RecipientTransitions.Bounced(result.Recipient, result.Attempt),
                _ => RecipientTransitions.Deferred(result.Recipient, result.Attempt,
                    Sooner(schedule.Next(result.Recipient.Attempts + 1, message.ReceivedAt), result.ProbeAt), time.GetUtcNow() - message.ReceivedAt),
            };
            outcomes.Add(outcome);
            if (outcome.NewStatus == RecipientStatus.Bounced)
                failed.Add(outcome);
        }

        var recorded = await committer.CommitAsync(outcomes);
        var now = time.GetUtcNow();
        // An outcome that did not take belongs to the node that took the recipient over (this node's lease ran out):
        // that node reports, bounces and suppresses; this one only says so, once, and counts it.
        var lost = recorded.Lost.ToHashSet(ReferenceEqualityComparer.Instance);
        foreach (var outcome in recorded.Lost)
        {
            metrics.LostLease();
            logger.LogWarning("{Id} to {Recipient}: this node's outcome ({Status}) was not recorded because its lease ran out and another node took the recipient over, so the recipient may get the message twice",
                message.Id, outcome.Recipient.Address, outcome.Event);
        }
        outcomes.RemoveAll(lost.Contains);
        failed.RemoveAll(lost.Contains);
        foreach (var outcome in outcomes)
            metrics.Delivery(outcome.NewStatus.ToName(), outcome.Attempt.Channel ?? "none", now - message.ReceivedAt);
        foreach (var outcome in outcomes)
            logger.LogInformation("{Id} to {Recipient}: {Status} ({Reply})", message.Id, outcome.Recipient.Address, outcome.Event, outcome.Attempt.Reply);

        // An address that is gone goes on the sender's domain's suppression list, so no later mail tries it.
        foreach (var outcome in failed)
            if (outcome.Event == LifecycleEvents.Bounced && BounceClassifier.Default.MeansAddressGone(outcome.Attempt.Code, outcome.Attempt.Reply))
                await SuppressAsync(message, outcome, cancellationToken);

        if (failed.Count > 0)
        {
            if (message.Sender.Length == 0)
                logger.LogInformation("{Id}: no bounce for a failed message from the null sender", message.Id);
            else
                await bounces.SendAsync(message, failed, cancellationToken);
        }
        if (recorded.Completed.Contains(message.Id))
            await DeleteBodyAsync(message.Id);
    }

    async Task DeleteBodyAsync(string id)
    {
        try
        {
            await bodies.DeleteAsync(id);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException)
        {
            // The message is settled; a body left behind is never delivered again, and the sweeper removes it.
            logger.LogWarning("{Id}: the finished message's body is left for the sweeper ({Error})", id, ex.Message);
        }
    }

    /// <summary>The schedule's next try, or the probe's time when that comes first; an expired message stays expired.</summary>
    static DateTimeOffset? Sooner(DateTimeOffset? next, DateTimeOffset? probeAt) =>
        next is { } n && probeAt is { } p && p < n ? p : next;

    async Task SuppressAsync(QueuedMessage message, RecipientOutcome outcome, CancellationToken cancellationToken)
    {
        try
        {
            await suppressions.RecordBounceAsync(message.Sender[(message.Sender.IndexOf('@') + 1)..], outcome.Recipient, outcome.Attempt, cancellationToken);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException)
        {
            // The bounce itself is recorded; the next bounce to this address suppresses it.
            logger.LogWarning(ex, "{Id}: could not suppress {Recipient}", message.Id, outcome.Recipient.Address);
        }
    }
}
