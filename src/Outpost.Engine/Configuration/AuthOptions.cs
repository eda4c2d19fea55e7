namespace Outpost.Engine.Configuration;

/// <summary>Throttling of failed logins per client address and per client network.</summary>
public sealed class AuthOptions
{
    /// <summary>Failures tolerated in <see cref="FailureWindow"/> before replies are slowed.</summary>
    public int FreeFailures { get; set; } = 3;

    /// <summary>Failures in the window after which the client is disconnected at each try.</summary>
    public int MaxFailures { get; set; } = 10;

    /// <summary>Failures from one client network (/24, /64) in the window after which all of it is cut off, so rotating addresses gains little.</summary>
    public int MaxNetworkFailures { get; set; } = 50;

    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Longest hold of a failed reply.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(8);
}
