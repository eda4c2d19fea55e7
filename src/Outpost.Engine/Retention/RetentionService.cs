using Outpost.Engine.Configuration;

namespace Outpost.Engine.Retention;

/// <summary>
/// Retention: removes history older than its configured period — settled messages with their recipients,
/// attempts and reviews; refusals; content violations; stale channel health; the events outbox; finished
/// webhook deliveries with their attempts; idempotency keys past their window — and sweeps orphaned spool
/// files. It deletes in batches of <see cref="RetentionOptions.BatchSize"/> rows, each batch its own short
/// write transaction with a pause after it, so the queue's writers (in this process or in
/// <c>outpost serve</c> beside <c>outpost purge</c>) never wait long. A dry run counts and removes nothing.
/// Talks to: the retention store and the spool sweeper; run by <see cref="RetentionScheduler"/> and <c>outpost purge</c>.
/// Security: never removes a message that still has an open recipient (queued, deferred, delivering,
/// held), nor a refusal or violation young enough to count towards a rate limit or a restriction.
/// </summary>
public sealed class RetentionService(IRetentionStore store, SpoolSweeper sweeper, RetentionOptions options, PolicyOptions policy, ApiOptions api, TimeProvider time)
{
    // Real time, not the TimeProvider: this pause is for another process's writer, which waits for the
    // database lock in SQLite's busy handler (sleeping and retrying); in-process writers queue on the write
    // lock in order anyway. Without it, a loop of batches could take the lock again before that writer wakes.
    static readonly TimeSpan PauseBetweenBatches = TimeSpan.FromMilliseconds(25);

    public async Task<PurgeReport> RunAsync(bool dryRun, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var kinds = new List<PurgeCount>();

        var sendLog = Period(options.SendLog);
        var removed = sendLog is { } age ? await SendLogAsync(now - age, dryRun, cancellationToken) : default;
        kinds.Add(new PurgeCount(PurgeKinds.Messages, removed.Messages, sendLog));
        kinds.Add(new PurgeCount(PurgeKinds.Recipients, removed.Recipients, sendLog));
        kinds.Add(new PurgeCount(PurgeKinds.Attempts, removed.Attempts, sendLog));
        kinds.Add(new PurgeCount(PurgeKinds.Reviews, removed.Reviews, sendLog));

        kinds.Add(await AgedAsync(AgedRows.Refusals, PurgeKinds.Refusals, Period(options.Refusals), now, dryRun, cancellationToken));
        kinds.Add(await AgedAsync(AgedRows.Violations, PurgeKinds.Violations, ViolationPeriod(), now, dryRun, cancellationToken));
        kinds.Add(await AgedAsync(AgedRows.ChannelHealth, PurgeKinds.ChannelHealth, Period(options.Health), now, dryRun, cancellationToken));
        kinds.Add(await AgedAsync(AgedRows.Events, PurgeKinds.Events, Period(options.Events), now, dryRun, cancellationToken));
        // Not a retention period: a key older than its window is already forgotten (the service treats it as
        // absent), so its row is only clutter; it goes in the same batches.
        kinds.Add(await AgedAsync(AgedRows.IdempotencyKeys, PurgeKinds.IdempotencyKeys, api.IdempotencyWindow, now, dryRun, cancellationToken));
        kinds.Add(await AgedAsync(AgedRows.WebhooksDelivered, PurgeKinds.WebhooksDelivered, Period(options.Webhooks), now, dryRun, cancellationToken));
        kinds.Add(await AgedAsync(AgedRows.WebhooksFailed, PurgeKinds.WebhooksFailed, Period(options.WebhookFailures), now, dryRun, cancellationToken));

        var swept = await sweeper.SweepAsync(now - options.SpoolGrace, dryRun, cancellationToken);
        kinds.Add(new PurgeCount(PurgeKinds.SpoolFiles, swept.Files, options.SpoolGrace, swept.Bytes));
        return new PurgeReport(dryRun, now, kinds);
    }

    async Task<MessageRows> SendLogAsync(DateTimeOffset before, bool dryRun, CancellationToken cancellationToken)
    {
        if (dryRun)
            return await store.CountSendLogAsync(before, cancellationToken);
        var total = default(MessageRows);
        PurgePosition? position = null;
        do
        {
            var batch = await store.PurgeSendLogAsync(before, position, options.BatchSize, cancellationToken);
            total += batch.Removed;
            position = batch.Next;
            if (position is not null)
                await Task.Delay(PauseBetweenBatches, cancellationToken);
        }
        while (position is not null);
        return total;
    }

    async Task<PurgeCount> AgedAsync(AgedRows rows, string kind, TimeSpan? period, DateTimeOffset now, bool dryRun, CancellationToken cancellationToken)
    {
        if (period is not { } age)
            return new PurgeCount(kind, 0, null);
        var before = now - age;
        if (dryRun)
            return new PurgeCount(kind, await store.CountAsync(rows, before, cancellationToken), age);
        long total = 0;
        while (true)
        {
            var removed = await store.PurgeAsync(rows, before, options.BatchSize, cancellationToken);
            total += removed;
            if (removed < options.BatchSize)
                return new PurgeCount(kind, total, age);
            await Task.Delay(PauseBetweenBatches, cancellationToken);
        }
    }

    /// <summary>Violations go with refusals, but never before the restriction rules stop counting them.</summary>
    TimeSpan? ViolationPeriod() =>
        Period(options.Refusals) is { } refusals ? (refusals > policy.ViolationWindow ? refusals : policy.ViolationWindow) : null;

    /// <summary>0 keeps a kind forever.</summary>
    static TimeSpan? Period(TimeSpan configured) => configured > TimeSpan.Zero ? configured : null;
}
