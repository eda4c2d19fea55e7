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
    public void Failures_are_free_then_slowed_then_cut_off_until_the_window_passes()
    {
        var throttle = new AuthThrottle(new AuthOptions { FreeFailures = 3, MaxFailures = 6, FailureWindow = TimeSpan.FromMinutes(15) }, _time);
        for (var i = 0; i < 3; i++)
            Assert.Equal((TimeSpan.Zero, false), throttle.RecordFailure(Client));
        Assert.Equal(TimeSpan.FromSeconds(1), throttle.RecordFailure(Client).Delay);
        Assert.Equal(TimeSpan.FromSeconds(2), throttle.RecordFailure(Client).Delay);
        Assert.False(throttle.IsBlocked(Client));
        Assert.True(throttle.RecordFailure(Client).Disconnect);
        Assert.True(throttle.IsBlocked(Client));
        Assert.False(throttle.IsBlocked(IPAddress.Parse("192.0.2.8")));

        _time.Advance(TimeSpan.FromMinutes(16));
        Assert.False(throttle.IsBlocked(Client));
    }
}
