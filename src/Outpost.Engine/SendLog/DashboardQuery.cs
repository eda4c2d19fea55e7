namespace Outpost.Engine.SendLog;

/// <summary>
/// What the dashboard reads: the hours from <see cref="Since"/> to <see cref="Until"/>, in one reader's
/// scope (null for an operator, a domain for a domain admin, a mailbox for a user; as
/// <c>ApiCaller.LogScope</c>).
/// </summary>
public sealed record DashboardQuery(DateTimeOffset Since, DateTimeOffset Until, string? Scope)
{
    /// <summary>At most this many delivered recipients are read for the latency percentiles (the newest).</summary>
    public int LatencySample { get; init; } = 50_000;

    /// <summary>How many reasons, channels and destinations each list keeps (the largest).</summary>
    public int Top { get; init; } = 10;
}
