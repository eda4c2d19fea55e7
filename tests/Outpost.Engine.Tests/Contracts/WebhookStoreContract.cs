using Outpost.Engine.Webhooks;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>
/// What every webhook store must do, through <see cref="IWebhookStore"/> alone: endpoints per domain;
/// deliveries made only by the caller that still holds the cursor; claims that take each due delivery
/// once, a message's events in order; results with their attempts and the endpoint's health; pause and
/// resume; counts.
/// </summary>
public abstract class WebhookStoreContract : StoreContract
{
    IWebhookStore Store => Stores.Webhooks;

    Task<WebhookEndpoint> EndpointAsync(string? domain, long cursor = 0) =>
        Store.AddEndpointAsync(new NewWebhookEndpoint(domain, "https://127.0.0.1/hook", ["delivered", "bounced"], "sealed:abc", "anna"), cursor, Now);

    static NewWebhookDelivery Delivery(long eventId, string? messageId, string type = "delivered", long? recipientId = null) =>
        new(eventId, type, messageId, recipientId, DateTimeOffset.UnixEpoch.AddDays(eventId), $"{{\"event\":{eventId}}}");

    WebhookResult Result(WebhookDelivery d, int? code, WebhookDeliveryStatus status, DateTimeOffset? next = null) =>
        new(d.Id, d.EndpointId, Now, new WebhookResponse(code, code is null ? "timeout" : null, TimeSpan.FromMilliseconds(12)), status, next);

    [Fact]
    public async Task Endpoints_are_kept_whole_and_listed_by_domain_or_for_every_domain()
    {
        var a = await EndpointAsync("a.example", cursor: 41);
        var all = await EndpointAsync(null);
        await EndpointAsync("b.example");

        Assert.Equal(new WebhookEndpoint(a.Id, "a.example", "https://127.0.0.1/hook", a.Events, "sealed:abc", "anna", Now, 41, null, null), a);
        Assert.Equal(["delivered", "bounced"], a.Events);
        // Events compared as lists (a record compares its array by reference).
        var read = (await Store.EndpointAsync(a.Id))!;
        Assert.Equal(a with { Events = [] }, read with { Events = [] });
        Assert.Equal(a.Events, read.Events);
        Assert.Equal([a.Id], (await Store.EndpointsAsync(false, "a.example")).Select(e => e.Id));
        Assert.Equal([all.Id], (await Store.EndpointsAsync(false)).Select(e => e.Id));
        Assert.Equal(3, (await Store.EndpointsAsync(true)).Count);

        Assert.True(await Store.RemoveEndpointAsync(a.Id));
        Assert.False(await Store.RemoveEndpointAsync(a.Id));
        Assert.Null(await Store.EndpointAsync(a.Id));
    }

    [Fact]
    public async Task Deliveries_are_made_by_the_holder_of_the_cursor_and_claimed_once_a_messages_events_in_order()
    {
        var e = await EndpointAsync("a.example");
        Assert.True(await Store.AddDeliveriesAsync(e.Id, 0, 3, [Delivery(1, "M1"), Delivery(2, "M1"), Delivery(3, null)], Now));
        // A second writer that read the same cursor writes nothing.
        Assert.False(await Store.AddDeliveriesAsync(e.Id, 0, 3, [Delivery(1, "M1")], Now));
        Assert.Equal(3, (await Store.EndpointAsync(e.Id))!.Cursor);
        Assert.True(await Store.AddDeliveriesAsync(e.Id, 3, 5, [], Now));
        Assert.Equal(5, (await Store.EndpointAsync(e.Id))!.Cursor);

        var lease = Now + TimeSpan.FromMinutes(1);
        var claimed = await Store.ClaimDueAsync(e.Id, Now, lease, 10);
        // Event 2 waits for event 1 of the same message; the one without a message goes at once.
        Assert.Equal([1L, 3L], claimed.Select(d => d.EventId));
        Assert.Equal(("delivered", "M1", "{\"event\":1}", 0, (DateTimeOffset?)null), (claimed[0].Type, claimed[0].MessageId, claimed[0].Body, claimed[0].Attempts, claimed[0].FirstAttemptAt));
        Assert.Empty(await Store.ClaimDueAsync(e.Id, Now, lease, 10));

        await Store.RecordAsync([Result(claimed[0], 200, WebhookDeliveryStatus.Delivered)], (h, _) => h);
        var next = Assert.Single(await Store.ClaimDueAsync(e.Id, Now, lease, 10));
        Assert.Equal(2, next.EventId);

        // Leases let go at start: the claimed ones are due again.
        Assert.Equal(2, await Store.ReleaseLeasesAsync());
        Assert.Equal([2L, 3L], (await Store.ClaimDueAsync(e.Id, Now, lease, 10)).Select(d => d.EventId));
    }

    [Fact]
    public async Task Results_record_attempts_and_the_endpoints_health_and_resume_starts_the_backoff_again()
    {
        var e = await EndpointAsync("a.example");
        await Store.AddDeliveriesAsync(e.Id, 0, 2, [Delivery(1, "M1", "deferred", 7), Delivery(2, "M2", "deferred", 8)], Now);
        var claimed = await Store.ClaimDueAsync(e.Id, Now, Now + TimeSpan.FromMinutes(1), 10);
        var retry = Now + TimeSpan.FromMinutes(5);
        // The rule is the engine's: here every failure counts one, and the second pauses the endpoint.
        var seen = new List<WebhookEndpointHealth>();
        WebhookEndpointHealth Rule(WebhookEndpointHealth h, WebhookResult r)
        {
            seen.Add(h);
            var failures = h.ConsecutiveFailures + 1;
            return failures >= 2 ? h with { ConsecutiveFailures = failures, FailingSince = h.FailingSince ?? r.At, PausedReason = "failing", PausedAt = r.At }
                : h with { ConsecutiveFailures = failures, FailingSince = h.FailingSince ?? r.At };
        }
        await Store.RecordAsync([Result(claimed[0], 500, WebhookDeliveryStatus.Pending, retry), Result(claimed[1], null, WebhookDeliveryStatus.Pending, retry)], Rule);

        Assert.Equal([0, 1], seen.Select(h => h.ConsecutiveFailures));
        var paused = (await Store.EndpointAsync(e.Id))!;
        Assert.Equal(("failing", (DateTimeOffset?)Now), (paused.PausedReason, paused.PausedAt));
        var attempts = await Store.AttemptsAsync(e.Id, 10);
        Assert.Equal([(claimed[1].Id, (int?)null, "timeout"), (claimed[0].Id, (int?)500, (string?)null)], attempts.Select(a => (a.DeliveryId, a.StatusCode, a.Error)));
        Assert.All(attempts, a => Assert.Equal((WebhookDeliveryStatus.Pending, 1, TimeSpan.FromMilliseconds(12)), (a.DeliveryStatus, a.DeliveryAttempts, a.Duration)));
        Assert.Empty(await Store.ClaimDueAsync(e.Id, Now, Now + TimeSpan.FromMinutes(1), 10));
        Assert.Equal(new Dictionary<long, DateTimeOffset> { [7] = DateTimeOffset.UnixEpoch.AddDays(1) }, await Store.LastDeferredAsync(e.Id, [7, 9]));

        Assert.False(await Store.PauseAsync(e.Id, "again", Now));
        Assert.Equal(2, await Store.ResumeAsync(e.Id, Now));
        Assert.Null(await Store.ResumeAsync(e.Id + 100, Now));
        var resumed = await Store.ClaimDueAsync(e.Id, Now, Now + TimeSpan.FromMinutes(1), 10);
        Assert.Equal([(0, (DateTimeOffset?)null), (0, null)], resumed.Select(d => (d.Attempts, d.FirstAttemptAt)));
        Assert.Null((await Store.EndpointAsync(e.Id))!.PausedReason);
        Assert.True(await Store.PauseAsync(e.Id, "by anna", Now));
    }

    [Fact]
    public async Task Stats_count_deliveries_by_state_without_tests_and_the_backlog_counts_pending_ones()
    {
        var e = await EndpointAsync("a.example");
        await Store.AddDeliveriesAsync(e.Id, 0, 3, [Delivery(1, "M1"), Delivery(2, "M2"), Delivery(3, "M3")], Now);
        Time.Advance(TimeSpan.FromMinutes(1));
        var claimed = await Store.ClaimDueAsync(e.Id, Now, Now + TimeSpan.FromMinutes(1), 2);
        await Store.RecordAsync([Result(claimed[0], 200, WebhookDeliveryStatus.Delivered), Result(claimed[1], 410, WebhookDeliveryStatus.Failed)], (h, _) => h);
        await Store.RecordTestAsync(e.Id, "{\"test\":true}", new WebhookResult(0, e.Id, Now, new WebhookResponse(204, null, TimeSpan.Zero), WebhookDeliveryStatus.Delivered, null));
        // A test for an endpoint that is gone is recorded nowhere.
        await Store.RecordTestAsync(e.Id + 100, "{}", new WebhookResult(0, e.Id + 100, Now, new WebhookResponse(204, null, TimeSpan.Zero), WebhookDeliveryStatus.Delivered, null));

        Assert.Equal(new WebhookStats(1, 1, 1, Now - TimeSpan.FromMinutes(1)), (await Store.StatsAsync())[e.Id]);
        Assert.Equal(new WebhookStats(1, 0, 0, Now - TimeSpan.FromMinutes(1)), await Store.BacklogAsync());
        var attempts = await Store.AttemptsAsync(e.Id, 10);
        Assert.Equal(["test", "delivered", "delivered"], attempts.Select(a => a.Type));
        Assert.Equal((204, WebhookDeliveryStatus.Delivered), (attempts[0].StatusCode!.Value, attempts[0].DeliveryStatus));
        Assert.Empty(await Store.AttemptsAsync(e.Id + 100, 10));
    }
}
