using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;

namespace Outpost.Engine.Webhooks;

/// <summary>
/// Turns the events outbox into deliveries for one endpoint: reads the events after its cursor (of its
/// domain, or every domain for an operator's), keeps those it wants (<see cref="WebhookEndpoint.Wants"/>,
/// deferrals thinned by <see cref="DeferredThrottle"/>), and makes their deliveries in the transaction
/// that moves the cursor past them. A crash before that commit leaves the cursor where it was, so the
/// events are read again; after it, the deliveries are there: no event is skipped, none made twice.
/// A paused endpoint's deliveries are made as well (they wait), so its place in the outbox never depends
/// on the outbox's retention.
/// </summary>
public sealed class WebhookFanOut(IWebhookStore store, ISendLog log, TimeProvider time)
{
    public const int BatchSize = 500;

    /// <summary>
    /// Makes the endpoint's deliveries for events up to <paramref name="newest"/> (an id that
    /// <see cref="ISendLog.LatestEventIdAsync"/> gave), at most <paramref name="maxBatches"/> batches; returns the cursor it reached.
    /// </summary>
    public async Task<long> RunAsync(WebhookEndpoint endpoint, long newest, int maxBatches, CancellationToken cancellationToken = default)
    {
        var cursor = endpoint.Cursor;
        for (var i = 0; i < maxBatches && cursor < newest; i++)
        {
            var events = await log.EventsAsync(new EventQuery(cursor, Limit: BatchSize) { UpTo = newest, SenderDomain = endpoint.Domain }, cancellationToken);
            // A short batch read everything up to newest, so the cursor may pass events of other domains too.
            var next = events.Count < BatchSize ? newest : events[^1].Id;
            var deliveries = await SelectAsync(endpoint, events, cancellationToken);
            if (!await store.AddDeliveriesAsync(endpoint.Id, cursor, next, deliveries, time.GetUtcNow(), cancellationToken))
                return cursor; // removed, or moved by another process meanwhile: the next pass starts from what is stored
            cursor = next;
        }
        return cursor;
    }

    async Task<List<NewWebhookDelivery>> SelectAsync(WebhookEndpoint endpoint, IReadOnlyList<LifecycleEvent> events, CancellationToken cancellationToken)
    {
        var wanted = events.Where(e => endpoint.Wants(e.Type)).ToList();
        var deferred = wanted.Where(e => e.Type == LifecycleEvents.Deferred && e.RecipientId is not null).Select(e => e.RecipientId!.Value).Distinct().ToList();
        var last = deferred.Count == 0
            ? []
            : new Dictionary<long, DateTimeOffset>(await store.LastDeferredAsync(endpoint.Id, deferred, cancellationToken));
        var deliveries = new List<NewWebhookDelivery>(wanted.Count);
        foreach (var e in wanted)
        {
            if (e.Type == LifecycleEvents.Deferred && e.RecipientId is { } recipient)
            {
                if (!DeferredThrottle.Allows(last.TryGetValue(recipient, out var sent) ? sent : null, e.At))
                    continue;
                last[recipient] = e.At;
            }
            deliveries.Add(new NewWebhookDelivery(e.Id, e.Type, e.MessageId, e.RecipientId, e.At, WebhookPayload.Of(e)));
        }
        return deliveries;
    }
}
