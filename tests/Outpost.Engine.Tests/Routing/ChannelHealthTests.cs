using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Configuration;
using Outpost.Engine.Routing.Channels;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Routing;

public sealed class ChannelHealthTests : IDisposable
{
    readonly TempDirectory _dir = new();
    readonly SqliteDatabase _db;
    readonly SqliteChannelStore _store;
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
    readonly RoutingOptions _options = new() { FailuresBeforeCoolDown = 3, CoolDown = TimeSpan.FromMinutes(5) };

    public ChannelHealthTests()
    {
        _db = new SqliteDatabase(Path.Combine(_dir.Path, "outpost.db"));
        _store = new SqliteChannelStore(_db);
    }

    static Channel Direct(string name, string? region = null, int weight = 100) =>
        Channel.Default with { Name = name, BindAddress = "127.0.0.2", Region = region, Weight = weight };

    [Fact]
    public async Task A_failing_channel_cools_down_and_comes_back_after_a_successful_probe()
    {
        var health = new ChannelHealthTracker(_store, _options, _time);
        await health.FailureAsync("eu-1", "gmail.com", "421 try later");
        await health.FailureAsync("eu-1", "gmail.com", "421 try later");
        Assert.True(await health.AvailableAsync("eu-1", "gmail.com"));
        await health.FailureAsync("eu-1", "gmail.com", "421 try later");
        Assert.False(await health.AvailableAsync("eu-1", "gmail.com"));
        Assert.True(await health.AvailableAsync("eu-1", "outlook.com")); // only towards that destination
        Assert.Contains("421 try later", await health.SkipReasonAsync("eu-1", "gmail.com"));

        _time.Advance(_options.CoolDown + TimeSpan.FromSeconds(1));
        Assert.True(await health.AvailableAsync("eu-1", "gmail.com")); // the probe may go
        await health.SuccessAsync("eu-1", "gmail.com");
        Assert.Null(await health.SkipReasonAsync("eu-1", "gmail.com"));

        // Stored, so another process (the CLI) sees the same state.
        var stored = await _store.HealthAsync();
        Assert.Equal(0, stored.Single(h => h.Channel == "eu-1" && h.Destination == "gmail.com").Failures);
    }

    [Fact]
    public async Task A_few_connections_that_broke_together_among_many_good_ones_do_not_open_the_circuit()
    {
        var health = new ChannelHealthTracker(_store, _options, _time);
        for (var i = 0; i < 17; i++)
            await health.SuccessAsync("eu-1", "gmail.com");
        // The receiver dropped its open connections at once: three failures in a row, but 3 of the last 20.
        for (var i = 0; i < 3; i++)
            await health.FailureAsync("eu-1", "gmail.com", "451 4.4.2 The connection to mx.gmail.com broke");
        Assert.True(await health.AvailableAsync("eu-1", "gmail.com"));

        // It stays down: once failures are half of the latest 20 tries (10 of them), the circuit opens.
        for (var i = 0; i < 6; i++)
            await health.FailureAsync("eu-1", "gmail.com", "451 4.4.1 Cannot connect");
        Assert.True(await health.AvailableAsync("eu-1", "gmail.com"));
        await health.FailureAsync("eu-1", "gmail.com", "451 4.4.1 Cannot connect");
        Assert.False(await health.AvailableAsync("eu-1", "gmail.com"));
    }

    [Fact]
    public async Task While_every_channel_cools_down_one_probe_is_booked_per_cool_down_and_its_success_says_the_circuit_was_open()
    {
        var health = new ChannelHealthTracker(_store, _options, _time);
        Assert.Null(await health.ProbeTimeAsync(["eu-1"], "gmail.com")); // nothing cools down
        for (var i = 0; i < 3; i++)
            await health.FailureAsync("eu-1", "gmail.com", "451 4.4.1 Cannot connect");
        var end = _time.GetUtcNow() + _options.CoolDown;
        Assert.Equal(end, await health.ProbeTimeAsync(["eu-1"], "gmail.com"));
        Assert.Null(await health.ProbeTimeAsync(["eu-1"], "gmail.com")); // booked already
        Assert.Null(await health.ProbeTimeAsync(["eu-1", "eu-2"], "gmail.com")); // eu-2 is open: no one waits

        // The probe fails: a new cool-down, a new probe.
        _time.Advance(_options.CoolDown);
        await health.FailureAsync("eu-1", "gmail.com", "451 4.4.1 Cannot connect");
        Assert.Equal(_time.GetUtcNow() + _options.CoolDown, await health.ProbeTimeAsync(["eu-1"], "gmail.com"));

        _time.Advance(_options.CoolDown);
        Assert.True(await health.SuccessAsync("eu-1", "gmail.com"));
        Assert.False(await health.SuccessAsync("eu-1", "gmail.com")); // closed now: nothing to let go
    }

    [Fact]
    public async Task A_channel_that_cannot_work_at_all_is_skipped_everywhere_at_once()
    {
        var health = new ChannelHealthTracker(_store, _options, _time);
        await health.FailureAsync("ghost", ChannelHealthTracker.Everywhere, "cannot bind", immediately: true);
        Assert.False(await health.AvailableAsync("ghost", "gmail.com"));
        Assert.False(await health.AvailableAsync("ghost", "web.de"));
    }

    [Fact]
    public async Task The_order_is_region_then_health_then_weight()
    {
        await _store.AddAsync(Direct("us-1", "us", 500));
        await _store.AddAsync(Direct("eu-1", "eu", 100));
        await _store.AddAsync(Direct("eu-2", "eu", 200));
        await _store.AddAsync(Direct("off", "eu", 900) with { Enabled = false });
        var health = new ChannelHealthTracker(_store, _options, _time);
        var options = new RoutingOptions { DestinationRegions = new(StringComparer.OrdinalIgnoreCase) { ["gmail.com"] = "eu" }, SenderRegions = new(StringComparer.OrdinalIgnoreCase) { ["example.com"] = "us" } };
        var selector = new ChannelSelector(_store, health, options, _time);

        Assert.Equal(["eu-2", "eu-1", "us-1"], (await selector.OrderAsync("gmail.com", "example.com")).Select(c => c.Channel.Name));
        Assert.Equal(["us-1", "eu-2", "eu-1"], (await selector.OrderAsync("web.de", "example.com")).Select(c => c.Channel.Name));
        Assert.Equal(["us-1", "eu-2", "eu-1"], (await selector.OrderAsync("web.de", null)).Select(c => c.Channel.Name));

        await health.FailureAsync("eu-2", "gmail.com", "554 blocked", immediately: true);
        var order = await selector.OrderAsync("gmail.com", "example.com");
        Assert.Equal(["eu-1", "us-1", "eu-2"], order.Select(c => c.Channel.Name));
        Assert.NotNull(order[^1].Skipped);
    }

    [Fact]
    public async Task Without_channels_the_default_direct_channel_is_used()
    {
        var selector = new ChannelSelector(_store, new ChannelHealthTracker(_store, _options, _time), _options, _time);
        Assert.Equal([Channel.Default], (await selector.OrderAsync("gmail.com", null)).Select(c => c.Channel));
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }
}
