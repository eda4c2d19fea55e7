using Microsoft.Extensions.Logging;
using Outpost.Engine.Bounces;
using Outpost.Engine.Configuration;
using Outpost.Engine.Policy;
using Outpost.Engine.Policy.Model;
using Outpost.Engine.Queue;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Review;

/// <summary>
/// The review queue (R1): messages the content model was unsure of wait with their external recipients
/// held until an operator decides. Releasing makes them due at once; refusing bounces them to the sender
/// with the class's sentence and counts a violation towards restriction, as a refusal at submission
/// would. Either way the message joins the local corpus under the label the decision gives it, for
/// the next <c>outpost policy train</c>. The CLI (<c>outpost review</c>) and the review page share these
/// sentences.
/// Talks to: the review store, the queue (the message), bounces, restrictions, the local corpus.
/// Security: only operators reach it (the page and the CLI check); each decision records who made it.
/// </summary>
public sealed class ReviewService(IReviewStore store, IQueueStore queue, IMessageBodyStore bodies, BounceService bounces, RestrictionService restrictions,
    OutpostOptions options, TimeProvider time, ILogger<ReviewService> logger)
{
    public Task<IReadOnlyList<ReviewItem>> ListAsync(bool pendingOnly = true, int limit = 200, CancellationToken cancellationToken = default) =>
        store.ListAsync(pendingOnly, limit, cancellationToken);

    public async Task<(bool Done, string Sentence)> ReleaseAsync(string messageId, string by, string? reason = null, CancellationToken cancellationToken = default)
    {
        var id = QueueActions.NormaliseId(messageId);
        if (id is null)
            return (false, NotAnId);
        var message = await queue.GetMessageAsync(id, cancellationToken);
        // Labelled before the release: once released, delivery may remove the spool file at any moment.
        if (message is not null && await store.GetAsync(id, cancellationToken) is { Decision: null })
            await LabelAsync(id, ContentLabels.Business, cancellationToken);
        var released = await store.ReleaseAsync(id, by, reason, time.GetUtcNow(), cancellationToken);
        if (released is null)
            return (false, await NotPendingAsync(id, cancellationToken));
        logger.LogInformation("{Id}: released after review by {By}", id, by);
        return (true, $"{id} is released: its {released} external recipient(s) will be tried now.");
    }

    public async Task<(bool Done, string Sentence)> RefuseAsync(string messageId, string by, string? reason = null, CancellationToken cancellationToken = default)
    {
        var id = QueueActions.NormaliseId(messageId);
        if (id is null)
            return (false, NotAnId);
        var item = await store.GetAsync(id, cancellationToken);
        var message = await queue.GetMessageAsync(id, cancellationToken);
        if (item is null || message is null || item.Decision is not null)
            return (false, await NotPendingAsync(id, cancellationToken));
        var cls = ContentClassNames.Parse(item.Label) ?? ContentClass.Marketing;
        var sentence = ContentReplies.RefusedAfterReview(cls, by);
        var attempt = new DeliveryAttempt(time.GetUtcNow(), null, null, null, 550, "550 5.7.1 " + sentence, null, TimeSpan.Zero);
        var refused = await store.RefuseAsync(id, by, reason ?? sentence, attempt, cancellationToken);
        if (refused is null)
            return (false, await NotPendingAsync(id, cancellationToken));
        await LabelAsync(id, item.Label, cancellationToken);
        var failed = refused.Value.Recipients.Select(r => RecipientTransitions.RefusedAfterReview(r, attempt)).ToList();
        if (message.Sender.Length > 0 && failed.Count > 0)
            await bounces.SendAsync(message, failed, cancellationToken);
        var sender = message.Sender;
        await restrictions.RecordViolationAsync(sender, sender[(sender.IndexOf('@') + 1)..], cls, message.Subject, cancellationToken);
        if (refused.Value.Completed)
            await bodies.DeleteAsync(id, cancellationToken);
        logger.LogInformation("{Id}: refused after review by {By} as {Class}", id, by, item.Label);
        return (true, $"{id} is refused as {item.Label}: the sender gets a bounce saying why, and it counts as a violation.");
    }

    async Task LabelAsync(string id, string label, CancellationToken cancellationToken)
    {
        try
        {
            await using var content = await bodies.OpenReadAsync(id, cancellationToken);
            LocalCorpus.Add(options.DataDirectory, id, label, content);
        }
        catch (MessageBodyMissingException)
        {
            // Nothing to learn from: the message has left the spool.
        }
        catch (IOException ex)
        {
            // The decision matters more than the example: a full disk must not stop a release.
            logger.LogWarning(ex, "{Id}: could not add the reviewed message to the local corpus", id);
        }
    }

    async Task<string> NotPendingAsync(string id, CancellationToken cancellationToken) =>
        await store.GetAsync(id, cancellationToken) is { Decision: { } decision } done
            ? $"{id} was already {decision} by {done.DecidedBy}."
            : $"{id} is not waiting for review.";

    const string NotAnId = "That is not a queue id; queue ids are letters and digits, as the review list shows them.";
}
