namespace Outpost.Engine.Queue;

/// <summary>
/// The rules of leases, decided here and applied by the stores with plain SQL: a claim (or an enqueue)
/// holds a recipient for <see cref="LeaseTime"/>; the node's heartbeat renews its leases every
/// <see cref="HeartbeatEvery"/>, so a live node keeps its work and a dead one loses it after at most one
/// lease time, when any node's claim takes it. A lease is renewed only while its claim is younger than
/// <see cref="LongestHold"/>: work that a node holds but no longer works on (a bug, a lost task) still comes
/// back, as it did when leases were fixed at 15 minutes, instead of staying leased for the node's whole life.
/// </summary>
public sealed class LeaseRules
{
    /// <summary>The longest a delivery may hold its recipients: longer than any delivery's timeouts add up to.</summary>
    public static readonly TimeSpan DefaultLongestHold = TimeSpan.FromMinutes(15);

    public LeaseRules(TimeSpan leaseTime, TimeSpan? longestHold = null)
    {
        if (leaseTime <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(leaseTime), "A lease lasts longer than nothing.");
        LeaseTime = leaseTime;
        LongestHold = longestHold is { } hold && hold > leaseTime ? hold : leaseTime > DefaultLongestHold ? leaseTime : DefaultLongestHold;
    }

    public TimeSpan LeaseTime { get; }

    public TimeSpan LongestHold { get; }

    /// <summary>Three renewals a lease time: one late or failed heartbeat does not lose the work.</summary>
    public TimeSpan HeartbeatEvery => LeaseTime / 3;

    /// <summary>When a lease taken or renewed at <paramref name="now"/> runs out.</summary>
    public DateTimeOffset Until(DateTimeOffset now) => now + LeaseTime;

    /// <summary>Leases claimed at or after this are renewed by a heartbeat at <paramref name="now"/>; older ones are left to run out.</summary>
    public DateTimeOffset RenewClaimsSince(DateTimeOffset now) => now - LongestHold;
}
