using Dapper;
using Outpost.Engine.Retention;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Webhooks;

/// <summary>Retention of webhook deliveries: delivered ones go after their period with their attempts, failed ones after theirs, pending ones never.</summary>
public sealed class WebhookRetentionTests : IAsyncLifetime
{
    readonly WebhookWorld _w = new();

    public Task InitializeAsync() => _w.SeedAsync();
    public async Task DisposeAsync() => await _w.DisposeAsync();

    long Rows(string sql)
    {
        using var c = _w.Engine.Db.OpenRead();
        return c.ExecuteScalar<long>(sql);
    }

    [Fact]
    public async Task Delivered_deliveries_go_with_their_attempts_failed_ones_later_and_pending_ones_never()
    {
        var endpoint = await _w.AddAsync(events: "queued,delivered");
        _w.Receiver.Answer = r => r.Body.Contains("\"type\":\"delivered\"", StringComparison.Ordinal) ? 500 : 200;
        await _w.DeliverAsync(await _w.QueueAsync());
        await _w.CycleUntilQuietAsync(); // queued: delivered; delivered: pending, retried later
        await _w.Service.TestAsync(null, endpoint.Id); // a test event: delivered at once
        Assert.Equal(3, Rows("SELECT COUNT(*) FROM webhook_attempts"));

        var store = new SqliteRetentionStore(_w.Engine.Db);
        var now = _w.Engine.Time.GetUtcNow();
        Assert.Equal(0, await store.PurgeAsync(AgedRows.WebhooksDelivered, now - TimeSpan.FromDays(7), 500));
        Assert.Equal(2, await store.CountAsync(AgedRows.WebhooksDelivered, now + TimeSpan.FromSeconds(1)));
        Assert.Equal(2, await store.PurgeAsync(AgedRows.WebhooksDelivered, now + TimeSpan.FromDays(365), 500));
        Assert.Equal(0, await store.PurgeAsync(AgedRows.WebhooksFailed, now + TimeSpan.FromDays(365), 500));
        // The pending one and its failed attempt stay, however old.
        Assert.Equal((1L, 1L), (Rows("SELECT COUNT(*) FROM webhook_deliveries"), Rows("SELECT COUNT(*) FROM webhook_attempts")));
        Assert.Equal(1, (await _w.Service.StatsAsync())[endpoint.Id].Pending);
    }
}
