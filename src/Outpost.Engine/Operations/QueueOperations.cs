using Microsoft.Extensions.Logging;
using Outpost.Engine.Audit;
using Outpost.Engine.Bounces;
using Outpost.Engine.Routing.Channels;
using Outpost.Engine.Queue;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Operations;

/// <summary>
/// What an operator does to the queue in an incident (postsuper and qshape are the anchor): list what
/// waits by a <see cref="QueueSelection"/>, count it per destination and age, and hold, release, retry
/// now, delete silently or delete with a bounce to the sender. The CLI, the API and the queue page all
/// come here, so they select, refuse and answer alike.
/// An action walks the selection in pages of <see cref="BatchSize"/> recipients, each applied in its own
/// short transaction, so a delete of 100,000 recipients never holds the database for long. Every change
/// is decided by <see cref="RecipientTransitions"/> and takes only where the status is still the one read
/// and no delivery holds the recipient's lease: a recipient being delivered at this moment is left alone
/// and counted as skipped.
/// Talks to: the queue store, the audit trail, the channel selector (which channel a recipient would go
/// through), bounces (the sender's notification), the spool (files of messages now finished).
/// Security: callers decide who may act (operators on everything, domain admins only on their domain's
/// senders, through <see cref="QueueSelection.ScopedTo"/>); every action that is not a dry run writes its
/// audit line before it changes anything, and the counts grow with each batch in that batch's transaction.
/// Deletes need a reason; reasons and names are single lines with a length limit.
/// </summary>
public sealed class QueueOperations(IQueueStore queue, IAuditStore audit, ChannelSelector channels, BounceService bounces, IMessageBodyStore bodies, TimeProvider time,
    ILogger<QueueOperations> logger)
{
    /// <summary>Recipients per page and per write transaction.</summary>
    public const int BatchSize = 500;

    /// <summary>The longest reason kept.</summary>
    public const int MaxReason = 500;

    // Real time, not the TimeProvider, as retention's: the CLI is another process than the server, whose
    // writer waits for the database lock in SQLite's busy handler (sleeping and retrying); without a gap a
    // loop of batches takes the lock again before that writer wakes. In-process writers queue in order anyway.
    static readonly TimeSpan PauseBetweenBatches = TimeSpan.FromMilliseconds(25);

    /// <summary>Waiting recipients that meet the selection, in arrival order, at most <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<WaitingRecipient>> ListAsync(QueueSelection selection, int limit, CancellationToken cancellationToken = default)
    {
        limit = Math.Clamp(limit, 1, 10_000);
        var now = time.GetUtcNow();
        var routes = new RecipientChannels(channels);
        var found = new List<WaitingRecipient>();
        long after = 0;
        while (found.Count < limit)
        {
            var page = await queue.WaitingAsync(selection, now, after, BatchSize, cancellationToken);
            if (page.Count == 0)
                break;
            after = page[^1].Recipient.Id;
            foreach (var w in page)
                if (found.Count < limit && (selection.Channel is null || selection.MatchesChannel(await routes.NameAsync(w))))
                    found.Add(w);
        }
        return found;
    }

    /// <summary>What waits, per <paramref name="by"/> and age bucket: the total and the <paramref name="top"/> largest lines.</summary>
    public async Task<QueueSummary> SummaryAsync(QueueSelection selection, SummaryGrouping by, int top, CancellationToken cancellationToken = default)
    {
        top = Math.Clamp(top, 1, 1000);
        var now = time.GetUtcNow();
        var routes = new RecipientChannels(channels);
        var counts = new Dictionary<string, int[]>(StringComparer.Ordinal);
        var total = new int[AgeBuckets.Labels.Count];
        long after = 0;
        while (true)
        {
            var page = await queue.WaitingAsync(selection, now, after, BatchSize * 10, cancellationToken);
            if (page.Count == 0)
                break;
            after = page[^1].Recipient.Id;
            foreach (var w in page)
            {
                var channel = selection.Channel is not null || by == SummaryGrouping.Channel ? await routes.NameAsync(w) : null;
                if (channel is not null && !selection.MatchesChannel(channel))
                    continue;
                var key = by switch
                {
                    SummaryGrouping.Domain => w.Recipient.Domain.ToLowerInvariant(),
                    SummaryGrouping.Sender => w.Sender.Length == 0 ? "<>" : w.SenderDomain,
                    _ => channel!,
                };
                var bucket = AgeBuckets.Of(now - w.ReceivedAt);
                if (!counts.TryGetValue(key, out var row))
                    counts[key] = row = new int[AgeBuckets.Labels.Count];
                row[bucket]++;
                total[bucket]++;
            }
        }
        var rows = counts.Select(c => new SummaryRow(c.Key, c.Value, c.Value.Sum()))
            .OrderByDescending(r => r.Total).ThenBy(r => r.Key, StringComparer.Ordinal).ToList();
        return new QueueSummary(by, AgeBuckets.Labels, new SummaryRow("TOTAL", total, total.Sum()), rows.Take(top).ToList(), Math.Max(0, rows.Count - top));
    }

    public async Task<QueueOperationResult> RunAsync(QueueOperationRequest request, CancellationToken cancellationToken = default)
    {
        var (action, selection, actor) = (request.Action, request.Selection, request.Actor);
        var reason = string.IsNullOrWhiteSpace(request.Reason) ? null : request.Reason.Trim();
        if (Refusal(request, reason) is { } refusal)
            return new QueueOperationResult(action, selection, request.DryRun, 0, 0, 0, null, refusal) { Refused = true };

        var started = time.GetUtcNow();
        var entry = request.DryRun
            ? null
            : await audit.AddAsync(new AuditEntry(0, started, actor.Name, actor.Via, QueueActions.Name(action), selection.ToString(), selection.SenderDomain,
                reason, 0, 0), cancellationToken);
        var why = $"{Past(action)} by {actor.Name}" + (reason is null ? "" : $": {reason}") + (entry is null ? "" : $" (audit {entry.Id})");
        var reply = "Deleted by the operator" + (reason is null ? "" : $": {reason}");

        var routes = new RecipientChannels(channels);
        var bouncing = new Dictionary<string, List<RecipientOutcome>>(StringComparer.Ordinal);
        var finished = new HashSet<string>(StringComparer.Ordinal);
        int matched = 0, touched = 0, skipped = 0, underReview = 0;
        long after = 0;
        // Bounces already committed are sent even when the caller goes away (a closed page, a cut API call,
        // Ctrl-C): their recipients are final, so the senders must hear of it now or never.
        try
        {
            while (true)
            {
                var page = await queue.WaitingAsync(selection, started, after, BatchSize, cancellationToken);
                if (page.Count == 0)
                    break;
                after = page[^1].Recipient.Id;
                var now = time.GetUtcNow();
                var transitions = new List<RecipientTransition>();
                var outcomes = new List<RecipientOutcome>();
                var leftAlone = 0;
                foreach (var w in page)
                {
                    if (selection.Channel is not null && !selection.MatchesChannel(await routes.NameAsync(w)))
                        continue;
                    matched++;
                    var r = w.Recipient;
                    if (w.InDelivery(now))
                    {
                        // A delivery holds it: its outcome decides. Counted when the action would reach it otherwise
                        // (a claimed recipient goes back to queued or deferred; a retry or release has nothing to do to it).
                        if (r.Status == RecipientStatus.Delivering ? action is QueueAction.Hold or QueueAction.Delete or QueueAction.Bounce : RecipientTransitions.Applies(action, r.Status))
                            leftAlone++;
                        continue;
                    }
                    if (!RecipientTransitions.Applies(action, r.Status))
                        continue;
                    if (w.HeldForReview)
                    {
                        // The content model held it: the review queue decides (a release there records the decision and
                        // adds the example to the corpus; a refusal counts the violation). No queue action reaches it.
                        underReview++;
                        leftAlone++;
                        continue;
                    }
                    switch (action)
                    {
                        case QueueAction.Hold: transitions.Add(RecipientTransitions.Hold(r, why)); break;
                        case QueueAction.Release: transitions.Add(RecipientTransitions.Release(r, why)); break;
                        case QueueAction.Retry: transitions.Add(RecipientTransitions.RetryNow(r, why)); break;
                        case QueueAction.Delete: transitions.Add(RecipientTransitions.Delete(r, why, reply)); break;
                        default:
                            outcomes.Add(RecipientTransitions.DeletedWithBounce(r, new DeliveryAttempt(now, null, null, null, null, reply, null, TimeSpan.Zero), why));
                            break;
                    }
                }
                skipped += leftAlone;
                if (entry is null)
                {
                    touched += transitions.Count + outcomes.Count;
                    continue;
                }
                if (transitions.Count + outcomes.Count + leftAlone == 0)
                    continue;
                var next = action is QueueAction.Release or QueueAction.Retry ? now : (DateTimeOffset?)null;
                var result = await queue.ApplyOperatorBatchAsync(new OperatorBatch(entry.Id, now, transitions, outcomes, next, leftAlone), cancellationToken);
                touched += result.Changed.Count;
                skipped += transitions.Count + outcomes.Count - result.Changed.Count;
                var changed = result.Changed.ToHashSet();
                foreach (var o in outcomes.Where(o => changed.Contains(o.Recipient.Id)))
                    (bouncing.TryGetValue(o.Recipient.MessageId, out var list) ? list : bouncing[o.Recipient.MessageId] = []).Add(o);
                finished.UnionWith(result.Completed);
                // A message's recipients are next to each other: all but the page's last message are complete here.
                await SettleAsync(bouncing, finished, keep: page[^1].Recipient.MessageId, CancellationToken.None);
                await Task.Delay(PauseBetweenBatches, cancellationToken);
            }
        }
        finally
        {
            await SettleAsync(bouncing, finished, keep: null, CancellationToken.None);
        }

        var answer = new QueueOperationResult(action, selection, request.DryRun, matched, touched, skipped, entry?.Id, Sentence(action, selection, request.DryRun, matched, touched, skipped, underReview));
        if (entry is not null)
            logger.LogInformation("Queue {Action} of {Selection} by {Actor} via {Via}: {Touched} recipient(s) changed, {Skipped} left alone (audit {Audit}){Reason}",
                QueueActions.Name(action), selection.ToString(), actor.Name, actor.Via, touched, skipped, entry.Id, reason is null ? "" : ": " + reason);
        return answer;
    }

    /// <summary>
    /// For the messages whose recipients are all handled (all but <paramref name="keep"/>): the bounce to the
    /// sender with every recipient deleted with a bounce, then, once the message has no recipient left that
    /// is not final, its spool file (read by the bounce first).
    /// </summary>
    async Task SettleAsync(Dictionary<string, List<RecipientOutcome>> bouncing, HashSet<string> finished, string? keep, CancellationToken cancellationToken)
    {
        foreach (var id in bouncing.Keys.Union(finished).Where(id => id != keep).ToList())
        {
            var message = await queue.GetMessageAsync(id, cancellationToken);
            if (bouncing.Remove(id, out var failed) && message is { Sender.Length: > 0 })
                await bounces.SendAsync(message, failed, cancellationToken);
            if (finished.Remove(id) && message is not null)
                await bodies.DeleteAsync(message.Id, cancellationToken);
        }
    }

    static string? Refusal(QueueOperationRequest request, string? reason)
    {
        if (request.Selection.NeedsCriteria() is { } criteria)
            return criteria;
        if (AuditActor.Problem(request.Actor.Name) is { } who)
            return who;
        if (reason is null && QueueActions.NeedsReason(request.Action))
            return $"Say why the recipients are {Past(request.Action)}: the reason is kept in the audit trail{(request.Action == QueueAction.Bounce ? " and quoted in the bounce" : "")}.";
        if (reason is { } r && (r.Length > MaxReason || r.Any(char.IsControl)))
            return $"Give the reason in one line of at most {MaxReason} characters.";
        return null;
    }

    static string Past(QueueAction action) => action switch
    {
        QueueAction.Hold => "held",
        QueueAction.Release => "released",
        QueueAction.Retry => "retried",
        QueueAction.Delete => "deleted",
        _ => "deleted with a bounce",
    };

    /// <summary>The one sentence of an action's answer.</summary>
    public static string Sentence(QueueAction action, QueueSelection selection, bool dryRun, int matched, int touched, int skipped, int underReview = 0)
    {
        var of = selection.HasCriteria ? $"of {selection}" : "in the whole queue";
        var delivering = skipped - underReview;
        var left = (delivering == 0 ? "" : $"; {delivering} being delivered at this moment {(dryRun ? "would be" : delivering == 1 ? "was" : "were")} left alone")
            + (underReview == 0 ? "" : $"; {underReview} held for review {(dryRun ? "would be" : underReview == 1 ? "was" : "were")} left to the review queue (outpost review)");
        if (dryRun)
            return $"A dry run: {touched} recipient(s) {of} would be {Past(action)}{left}; nothing was changed.";
        if (touched == 0)
        {
            var why = matched == 0 ? "no waiting recipient matches"
                : underReview > 0 && delivering == 0 ? $"{underReview} held for review; decide {(underReview == 1 ? "it" : "them")} in the review queue (outpost review)"
                : skipped > 0 ? $"{delivering} being delivered at this moment; try again in a moment"
                : $"none is {action switch { QueueAction.Hold => "queued or deferred", QueueAction.Release => "held", QueueAction.Retry => "deferred", _ => "waiting" }}";
            return $"No recipient {of} can be {(action == QueueAction.Bounce ? "bounced" : Past(action))} now ({why}).";
        }
        var done = action switch
        {
            QueueAction.Hold => $"{touched} recipient(s) {of} are held",
            QueueAction.Release => $"{touched} recipient(s) {of} are released and will be tried now",
            QueueAction.Retry => $"{touched} deferred recipient(s) {of} will be tried again now",
            QueueAction.Delete => $"{touched} recipient(s) {of} are deleted; their senders are not told",
            _ => $"{touched} recipient(s) {of} are deleted and their senders get a bounce",
        };
        return done + left + ".";
    }
}
