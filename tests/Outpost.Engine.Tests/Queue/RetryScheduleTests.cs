using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Configuration;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Tests.Queue;

public sealed class RetryScheduleTests
{
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public void The_default_schedule_doubles_from_five_minutes()
    {
        var schedule = new RetrySchedule(new DeliveryOptions { RetryJitter = 0 }, _time);
        var received = _time.GetUtcNow();
        Assert.Equal(received + TimeSpan.FromMinutes(5), schedule.Next(1, received));
        Assert.Equal(received + TimeSpan.FromMinutes(10), schedule.Next(2, received));
        Assert.Equal(received + TimeSpan.FromMinutes(20), schedule.Next(3, received));
        Assert.Equal(received + TimeSpan.FromMinutes(40), schedule.Next(4, received));
        // The last step repeats.
        Assert.Equal(received + TimeSpan.FromHours(16), schedule.Next(50, received));
    }

    [Fact]
    public void Jitter_stays_within_its_fraction()
    {
        var schedule = new RetrySchedule(new DeliveryOptions { RetryJitter = 0.1 }, _time);
        var received = _time.GetUtcNow();
        var waits = Enumerable.Range(0, 200).Select(_ => schedule.Next(1, received)!.Value - received).ToList();
        Assert.All(waits, w => Assert.InRange(w.TotalSeconds, 270, 330));
        Assert.True(waits.Distinct().Count() > 10, "jitter should spread retries");
    }

    [Fact]
    public void The_last_try_falls_at_the_maximum_age_and_then_the_message_expires()
    {
        var options = new DeliveryOptions { RetryJitter = 0, MaxAge = TimeSpan.FromHours(1), RetrySchedule = [TimeSpan.FromMinutes(45)] };
        var schedule = new RetrySchedule(options, _time);
        var received = _time.GetUtcNow();
        Assert.Equal(received + TimeSpan.FromMinutes(45), schedule.Next(1, received));
        _time.Advance(TimeSpan.FromMinutes(45));
        Assert.Equal(received + TimeSpan.FromHours(1), schedule.Next(2, received));
        _time.Advance(TimeSpan.FromMinutes(15));
        Assert.Null(schedule.Next(3, received));
    }
}
