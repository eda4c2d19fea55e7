using Microsoft.Extensions.Logging;
using Outpost.Engine.Bounces;
using Outpost.Engine.Queue;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Delivery;

/// <summary>
/// Turns the results of a try into queue state, one place for local and remote delivery alike:
/// temporary failures are deferred on the retry schedule (and bounce once the message expires),
/// permanent ones bounce to the sender (never when the sender was &lt;&gt;), and a message with no open
/// recipient left leaves the spool.
/// </summary>
public sealed class DeliveryRecorder(IQueueStore store, OutcomeCommitter committer, RetrySchedule schedule, BounceService bounces, Metrics.OutpostMetrics metrics, TimeProvider time, ILogger<DeliveryRecorder> logger)
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
                AttemptKind.Delivered => new RecipientOutcome(result.Recipient, RecipientStatus.Delivered, result.Attempt, null),
                AttemptKind.Permanent => new RecipientOutcome(result.Recipient, RecipientStatus.Bounced, result.Attempt, null),
                _ => Defer(message, result),
            };
            outcomes.Add(outcome);
            if (outcome.NewStatus == RecipientStatus.Bounced)
                failed.Add(outcome);
        }

        var completed = await committer.CommitAsync(outcomes);
        var now = time.GetUtcNow();
        foreach (var outcome in outcomes)
            metrics.Delivery(outcome.NewStatus.ToName(), outcome.Attempt.Channel ?? "none", now - message.ReceivedAt);
        foreach (var outcome in outcomes)
            logger.LogInformation("{Id} to {Recipient}: {Status} ({Reply})", message.Id, outcome.Recipient.Address, outcome.NewStatus.ToName(), outcome.Attempt.Reply);

        if (failed.Count > 0)
        {
            if (message.Sender.Length == 0)
                logger.LogInformation("{Id}: no bounce for a failed message from the null sender", message.Id);
            else
                await bounces.SendAsync(message, failed, cancellationToken);
        }
        if (completed.Contains(message.Id))
            MessageSpool.Delete(message.SpoolPath);
    }

    RecipientOutcome Defer(QueuedMessage message, AttemptResult result)
    {
        var next = schedule.Next(result.Recipient.Attempts + 1, message.ReceivedAt);
        if (next is { } due)
            return new RecipientOutcome(result.Recipient, RecipientStatus.Deferred, result.Attempt, due);
        var age = time.GetUtcNow() - message.ReceivedAt;
        var expired = result.Attempt with { Reply = $"Gave up after {age.TotalDays:0.#} days; the last try said: {result.Attempt.Reply}" };
        return new RecipientOutcome(result.Recipient, RecipientStatus.Bounced, expired, null);
    }
}
