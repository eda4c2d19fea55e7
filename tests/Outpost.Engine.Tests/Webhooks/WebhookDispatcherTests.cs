using System.Text.Json;
using Outpost.Engine.Queue;
using Outpost.Engine.Webhooks;

namespace Outpost.Engine.Tests.Webhooks;

/// <summary>
/// The dispatcher over a real database and a fake clock: events become deliveries after an endpoint's
/// cursor (its domain's, the kinds it wants, deferrals thinned), one message's events go in order while
/// others pass, failures retry, a dead endpoint pauses and resumes where it stopped.
/// </summary>
public sealed class WebhookDispatcherTests : IAsyncLifetime
{
    readonly WebhookWorld _w = new();

    public Task InitializeAsync() => _w.SeedAsync();
    public async Task DisposeAsync() => await _w.DisposeAsync();

    static string Type(WebhookRequest r) => JsonDocument.Parse(r.Body).RootElement.GetProperty("type").GetString()!;

    [Fact]
    public async Task An_endpoint_gets_the_events_it_wants_of_its_domain_from_its_creation_on_signed_with_its_secret()
    {
        var before = await _w.QueueAsync();
        await _w.DeliverAsync(before); // before any endpoint: nobody hears of it
        var (domainEndpoint, secret) = await _w.Service.AddAsync(null, "example.com", "http://127.0.0.1:9/hook", null, "test");
        var global = await _w.AddAsync(events: "queued,delivered");

        var ours = await _w.QueueAsync("alice@example.com", "carol@remote.test");
        await _w.DeliverAsync(ours);
        var theirs = await _w.QueueAsync("dan@other.test", "erin@remote.test");
        await _w.DeliverAsync(theirs);
        await _w.CycleUntilQuietAsync();

        var requests = _w.Receiver.Requests.ToList();
        var toDomain = requests.Where(r => r.AllowPrivateNetworks == false).ToList(); // a domain's endpoint, private networks not allowed
        var toGlobal = requests.Where(r => r.AllowPrivateNetworks).ToList();
        // The domain's endpoint: only example.com's mail, only the default kinds (delivered, not queued).
        var only = Assert.Single(toDomain);
        var body = JsonDocument.Parse(only.Body).RootElement;
        Assert.Equal(("delivered", "alice@example.com", "carol@remote.test", ours.MessageId), (body.GetProperty("type").GetString(),
            body.GetProperty("data").GetProperty("sender").GetString(), body.GetProperty("data").GetProperty("recipient").GetString(),
            body.GetProperty("data").GetProperty("messageId").GetString()));
        Assert.Equal("250 2.0.0 Ok", body.GetProperty("data").GetProperty("reply").GetProperty("text").GetString());
        Assert.Equal("2.0.0", body.GetProperty("data").GetProperty("reply").GetProperty("enhanced").GetString());
        Assert.Equal(only.WebhookId, body.GetProperty("id").GetString());
        Assert.Equal(WebhookSignature.Sign(only.WebhookId, only.Timestamp, only.Body, WebhookSecret.Key(secret)), only.Signature);
        // The operator's: every domain, queued and delivered, each message's in order.
        Assert.Equal(4, toGlobal.Count);
        foreach (var message in new[] { ours.MessageId, theirs.MessageId })
            Assert.Equal(["queued", "delivered"], toGlobal.Where(r => r.Body.Contains(message, StringComparison.Ordinal)).Select(Type));
        Assert.DoesNotContain(requests, r => r.Body.Contains(before.MessageId, StringComparison.Ordinal));
        Assert.NotEqual(domainEndpoint.Id, global.Id);
    }

    [Fact]
    public async Task One_messages_events_go_in_order_while_other_messages_pass()
    {
        var endpoint = await _w.AddAsync(events: "queued,delivered");
        var first = await _w.QueueAsync(recipient: "one@remote.test");
        await _w.DeliverAsync(first);
        var second = await _w.QueueAsync(recipient: "two@remote.test");
        await _w.DeliverAsync(second);
        var events = (await _w.Engine.Log.EventsAsync(new SendLog.EventQuery())).ToDictionary(e => (e.MessageId, e.Type), e => WebhookPayload.WebhookId(e.Id));
        var firstQueued = events[(first.MessageId, "queued")];
        var refusals = 0;
        _w.Receiver.Answer = r => r.WebhookId == firstQueued && refusals++ == 0 ? 500 : 200;

        Assert.Equal(2, await _w.CycleAsync()); // the head of each message: both "queued"
        Assert.Equal(1, await _w.CycleAsync()); // the second message's "delivered"; the first's waits behind its failed "queued"
        Assert.Equal(0, await _w.CycleAsync()); // nothing due: the retry is 5 s away
        _w.Engine.Time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, await _w.CycleAsync()); // the retry
        Assert.Equal(1, await _w.CycleAsync()); // then, only then, the first message's "delivered"

        var ids = _w.Receiver.Ids;
        var firstDelivered = events[(first.MessageId, "delivered")];
        Assert.Equal([firstQueued, firstQueued, firstDelivered], ids.Where(i => i == firstQueued || i == firstDelivered));
        Assert.True(ids.ToList().IndexOf(events[(second.MessageId, "delivered")]) < ids.ToList().LastIndexOf(firstQueued));
        var attempts = await _w.Service.AttemptsAsync(null, endpoint.Id, 10);
        Assert.Equal(5, attempts!.Count);
        Assert.Contains(attempts, a => a.StatusCode == 500 && a.Error == "refused by the test");
    }

    [Fact]
    public async Task A_recipient_deferred_again_and_again_is_told_first_and_then_hourly()
    {
        await _w.AddAsync();
        var r = await _w.QueueAsync();
        for (var i = 0; i < 8; i++)
        {
            r = await _w.DeferAsync(r); // at 0, 20, 40, … 140 minutes
            _w.Engine.Time.Advance(TimeSpan.FromMinutes(20));
        }
        await _w.CycleUntilQuietAsync();
        // Deferrals at 0 and 60 and 120 minutes: three of eight.
        Assert.Equal(3, _w.Receiver.Requests.Count(q => Type(q) == "deferred"));
        // Later batches remember what was sent: the next at 160 minutes is 40 after the last sent, held back; at 180 it goes.
        r = await _w.DeferAsync(r);
        await _w.CycleUntilQuietAsync();
        Assert.Equal(3, _w.Receiver.Requests.Count(q => Type(q) == "deferred"));
        _w.Engine.Time.Advance(TimeSpan.FromMinutes(20));
        await _w.DeferAsync(r);
        await _w.CycleUntilQuietAsync();
        Assert.Equal(4, _w.Receiver.Requests.Count(q => Type(q) == "deferred"));
    }

    [Fact]
    public async Task An_endpoint_failing_for_hours_is_paused_keeps_its_events_and_resumes_where_it_stopped()
    {
        var endpoint = await _w.AddAsync();
        _w.Receiver.Answer = _ => 503;
        var r = await _w.QueueAsync();
        await _w.DeliverAsync(r);
        for (var i = 0; i < 60 && (await _w.Store.EndpointAsync(endpoint.Id))!.Enabled; i++)
        {
            await _w.CycleAsync();
            _w.Engine.Time.Advance(TimeSpan.FromMinutes(30));
        }
        var paused = (await _w.Store.EndpointAsync(endpoint.Id))!;
        Assert.False(paused.Enabled);
        Assert.StartsWith("Every try failed for ", paused.PausedReason);
        Assert.EndsWith("the last said: 503: refused by the test.", paused.PausedReason);
        var triesWhenPaused = _w.Receiver.Requests.Count;
        Assert.InRange(triesWhenPaused, 10, 20);

        // Paused: new events still become deliveries, but nothing is sent.
        var later = await _w.QueueAsync(recipient: "later@remote.test");
        await _w.DeliverAsync(later);
        _w.Engine.Time.Advance(TimeSpan.FromDays(2));
        Assert.Equal(0, await _w.CycleAsync());
        Assert.Equal(triesWhenPaused, _w.Receiver.Requests.Count);
        Assert.Equal(2, (await _w.Service.StatsAsync())[endpoint.Id].Pending);

        // Resumed (the receiver is back): both go now, although the first is days past its 24 hours.
        _w.Receiver.Answer = _ => 200;
        Assert.Equal(2, await _w.Service.ResumeAsync(null, endpoint.Id));
        await _w.CycleUntilQuietAsync();
        var stats = (await _w.Service.StatsAsync())[endpoint.Id];
        Assert.Equal((0L, 2L, 0L), (stats.Pending, stats.Delivered, stats.Failed));
        Assert.True((await _w.Store.EndpointAsync(endpoint.Id))!.Enabled);
    }

    [Fact]
    public async Task Gone_pauses_at_once()
    {
        var endpoint = await _w.AddAsync();
        _w.Receiver.Answer = _ => 410;
        await _w.DeliverAsync(await _w.QueueAsync());
        await _w.CycleAsync();
        Assert.Equal("The endpoint answered 410 Gone; resume it once it takes webhooks again.", (await _w.Store.EndpointAsync(endpoint.Id))!.PausedReason);
        Assert.Equal(1, (await _w.Service.StatsAsync())[endpoint.Id].Pending);
    }

    [Fact]
    public async Task An_event_the_receiver_keeps_refusing_is_given_up_after_24_hours_and_the_next_of_its_message_goes()
    {
        _w.Options.PauseAfterFailures = 1000; // the receiver takes other events meanwhile, so it would not pause anyway
        var endpoint = await _w.AddAsync(events: "queued,delivered");
        var r = await _w.QueueAsync();
        await _w.DeliverAsync(r);
        _w.Receiver.Answer = q => Type(q) == "queued" ? 400 : 200;
        for (var i = 0; i < 60; i++)
        {
            await _w.CycleUntilQuietAsync();
            _w.Engine.Time.Advance(TimeSpan.FromHours(1));
        }
        var stats = (await _w.Service.StatsAsync())[endpoint.Id];
        Assert.Equal((0L, 1L, 1L), (stats.Pending, stats.Delivered, stats.Failed));
        var attempts = (await _w.Service.AttemptsAsync(null, endpoint.Id, 100))!;
        Assert.Equal(WebhookDeliveryStatus.Failed, attempts.First(a => a.Type == "queued").DeliveryStatus);
        Assert.Equal("delivered", _w.Receiver.Requests.Select(Type).Last());
    }

    [Fact]
    public async Task A_crash_mid_send_sends_the_event_again_after_the_restart_with_the_same_id()
    {
        await _w.AddAsync();
        await _w.DeliverAsync(await _w.QueueAsync());
        // A pass that claimed the delivery, then the process died before the answer was recorded.
        var endpoint = (await _w.Store.EndpointsAsync(allDomains: true)).Single();
        await new WebhookFanOut(_w.Store, _w.Engine.Log, _w.Engine.Time).RunAsync(endpoint, await _w.Engine.Log.LatestEventIdAsync(), 10);
        var now = _w.Engine.Time.GetUtcNow();
        var inFlight = Assert.Single(await _w.Store.ClaimDueAsync(endpoint.Id, now, now + TimeSpan.FromMinutes(5), 10));
        Assert.Equal(0, await _w.CycleAsync()); // leased: not sent twice while it may still be in flight

        Assert.Equal(1, await _w.Store.ReleaseLeasesAsync()); // the restart
        Assert.Equal(1, await _w.CycleAsync());
        Assert.Equal(inFlight.WebhookId, Assert.Single(_w.Receiver.Requests).WebhookId);
    }

    [Fact]
    public async Task Refused_recipients_reach_their_domains_endpoint_as_rejected_and_suppressed()
    {
        await _w.AddAsync("example.com");
        await _w.Engine.Log.RecordRefusalAsync(new SendLog.Refusal(_w.Engine.Time.GetUtcNow(), "s1", "127.0.0.1", "alice@example.com", "alice@example.com", "x@remote.test",
            "rcpt", 550, "550 5.1.1 <x@remote.test> is suppressed since 2026-11-01: 550 5.1.1 user unknown"),
            [RecipientTransitions.Refused("alice@example.com", "x@remote.test", 550, "550 5.1.1 <x@remote.test> is suppressed since 2026-11-01: 550 5.1.1 user unknown", suppressed: true)]);
        await _w.CycleAsync();
        var data = JsonDocument.Parse(Assert.Single(_w.Receiver.Requests).Body).RootElement;
        Assert.Equal("suppressed", data.GetProperty("type").GetString());
        Assert.Equal("rejected", data.GetProperty("data").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("data").GetProperty("messageId").ValueKind);
        Assert.Equal("5.1.1", data.GetProperty("data").GetProperty("reply").GetProperty("enhanced").GetString());
    }
}
