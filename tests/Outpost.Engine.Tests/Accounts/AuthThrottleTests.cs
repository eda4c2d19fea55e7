using System.Net;
using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Accounts;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Tests.Accounts;

public sealed class AuthThrottleTests
{
    readonly FakeTimeProvider _time = new();
    static readonly IPAddress Client = IPAddress.Parse("192.0.2.7");

    [Fact]
    public async Task Failures_are_free_then_slowed_then_cut_off_until_the_window_passes()
    {
        var throttle = new AuthThrottle(new MemoryLoginFailures(), new AuthOptions { FreeFailures = 3, MaxFailures = 6, FailureWindow = TimeSpan.FromMinutes(15) }, _time);
        for (var i = 0; i < 3; i++)
            Assert.Equal((TimeSpan.Zero, false), await throttle.RecordFailureAsync(Client));
        Assert.Equal(TimeSpan.FromSeconds(1), (await throttle.RecordFailureAsync(Client)).Delay);
        Assert.Equal(TimeSpan.FromSeconds(2), (await throttle.RecordFailureAsync(Client)).Delay);
        Assert.False(await throttle.IsBlockedAsync(Client));
        Assert.True((await throttle.RecordFailureAsync(Client)).Disconnect);
        Assert.True(await throttle.IsBlockedAsync(Client));
        Assert.False(await throttle.IsBlockedAsync(IPAddress.Parse("192.0.2.8")));

        _time.Advance(TimeSpan.FromMinutes(16));
        Assert.False(await throttle.IsBlockedAsync(Client));
    }

    [Fact]
    public async Task Rotating_addresses_within_one_network_cuts_off_the_network_but_not_its_neighbours()
    {
        var throttle = new AuthThrottle(new MemoryLoginFailures(), new AuthOptions { FreeFailures = 3, MaxFailures = 6, MaxNetworkFailures = 12 }, _time);
        for (var i = 1; i <= 12; i++)
            await throttle.RecordFailureAsync(IPAddress.Parse($"192.0.2.{i}"));   // never more than one per address
        Assert.True(await throttle.IsBlockedAsync(IPAddress.Parse("192.0.2.200")));
        Assert.False(await throttle.IsBlockedAsync(IPAddress.Parse("192.0.3.1")));

        for (var i = 1; i <= 11; i++)
            await throttle.RecordFailureAsync(IPAddress.Parse($"2001:db8:0:1::{i:x}"));
        Assert.False(await throttle.IsBlockedAsync(IPAddress.Parse("2001:db8:0:1::ff")));
        await throttle.RecordFailureAsync(IPAddress.Parse("2001:db8:0:1:ffff::1"));
        Assert.True(await throttle.IsBlockedAsync(IPAddress.Parse("2001:db8:0:1::ff")));
        Assert.False(await throttle.IsBlockedAsync(IPAddress.Parse("2001:db8:0:2::1")));
    }

    [Fact]
    public async Task An_ipv4_client_on_a_dual_stack_socket_counts_as_itself()
    {
        var throttle = new AuthThrottle(new MemoryLoginFailures(), new AuthOptions { MaxFailures = 2 }, _time);
        await throttle.RecordFailureAsync(IPAddress.Parse("::ffff:192.0.2.7"));
        await throttle.RecordFailureAsync(Client);
        Assert.True(await throttle.IsBlockedAsync(Client));
        Assert.Equal(IPAddress.Parse("192.0.2.0"), AuthThrottle.Network(IPAddress.Parse("::ffff:192.0.2.7")));
    }
}
