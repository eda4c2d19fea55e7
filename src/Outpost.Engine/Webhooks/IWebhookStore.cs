namespace Outpost.Engine.Webhooks;

/// <summary>
/// Webhook endpoints, their deliveries (one per event an endpoint is to get) and every try. The
/// dispatcher's promises rest on three writes of this store: deliveries are made in the transaction
/// that moves the endpoint's cursor (<see cref="AddDeliveriesAsync"/>), so an event is never skipped nor
/// made twice; a claim leases deliveries, and only the first pending delivery of each message
/// (<see cref="ClaimDueAsync"/>), so one message's events go in order; a try's result, its attempt row and
/// the endpoint's health are one transaction (<see cref="RecordAsync"/>).
/// </summary>
public interface IWebhookStore
{
    /// <summary>Adds an endpoint whose cursor is the newest outbox id now: it gets the events from here on.</summary>
    Task<WebhookEndpoint> AddEndpointAsync(NewWebhookEndpoint endpoint, long cursor, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Endpoints, oldest first: every one when <paramref name="allDomains"/>; else those of <paramref name="domain"/> (null: the operators' global ones).</summary>
    Task<IReadOnlyList<WebhookEndpoint>> EndpointsAsync(bool allDomains, string? domain = null, CancellationToken cancellationToken = default);

    Task<WebhookEndpoint?> EndpointAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Replaces an endpoint's sealed secret with <paramref name="to"/> if it is still <paramref name="from"/>; false otherwise.</summary>
    Task<bool> ReplaceSecretAsync(long id, string from, string to, CancellationToken cancellationToken = default);

    /// <summary>Removes an endpoint with its deliveries and attempts; false when there was none.</summary>
    Task<bool> RemoveEndpointAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>Pauses an endpoint that is not paused yet; false when it was (or does not exist).</summary>
    Task<bool> PauseAsync(long id, string reason, DateTimeOffset at, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lifts the pause and ends the run of failures; every pending delivery is due at once and its retry
    /// window starts again (the first try counts from now). Returns the pending deliveries, or null when
    /// the endpoint does not exist.
    /// </summary>
    Task<long?> ResumeAsync(long id, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>For each of <paramref name="recipientIds"/>, the time of the newest deferred event this endpoint already has a delivery for.</summary>
    Task<IReadOnlyDictionary<long, DateTimeOffset>> LastDeferredAsync(long endpointId, IReadOnlyCollection<long> recipientIds, CancellationToken cancellationToken = default);

    /// <summary>
    /// In one transaction: moves the endpoint's cursor from <paramref name="fromCursor"/> to
    /// <paramref name="toCursor"/> and makes the deliveries, due now. False, and nothing written, when the
    /// cursor was no longer at <paramref name="fromCursor"/> or the endpoint is gone.
    /// </summary>
    Task<bool> AddDeliveriesAsync(long endpointId, long fromCursor, long toCursor, IReadOnlyList<NewWebhookDelivery> deliveries, DateTimeOffset now,
        CancellationToken cancellationToken = default);

    /// <summary>After a restart of a single node: the leases of deliveries that were in flight are released.</summary>
    Task<int> ReleaseLeasesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Leases up to <paramref name="limit"/> of the endpoint's pending deliveries that are due, not leased,
    /// and the first pending one of their message (a delivery of another message, or of none, never
    /// waits for it) — oldest due first.
    /// </summary>
    Task<IReadOnlyList<WebhookDelivery>> ClaimDueAsync(long endpointId, DateTimeOffset now, DateTimeOffset leaseUntil, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records tries in one transaction: each attempt row, its delivery's new state (lease released), and
    /// its endpoint's health, which <paramref name="health"/> decides from the health stored now (so a
    /// resume from another process is seen). A result whose delivery is gone (its endpoint removed) is dropped.
    /// </summary>
    Task RecordAsync(IReadOnlyList<WebhookResult> results, Func<WebhookEndpointHealth, WebhookResult, WebhookEndpointHealth> health,
        CancellationToken cancellationToken = default);

    /// <summary>Records a test event's try as a delivery that is already finished, with its attempt.</summary>
    Task RecordTestAsync(long endpointId, string body, WebhookResult result, CancellationToken cancellationToken = default);

    /// <summary>The endpoint's tries, newest first.</summary>
    Task<IReadOnlyList<WebhookAttemptEntry>> AttemptsAsync(long endpointId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Deliveries by state for each endpoint.</summary>
    Task<IReadOnlyDictionary<long, WebhookStats>> StatsAsync(CancellationToken cancellationToken = default);

    /// <summary>Pending deliveries of every endpoint and the oldest one's time (cheap: for the metrics).</summary>
    Task<WebhookStats> BacklogAsync(CancellationToken cancellationToken = default);
}
