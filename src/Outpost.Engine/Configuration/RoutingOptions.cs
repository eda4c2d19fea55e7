namespace Outpost.Engine.Configuration;

/// <summary>
/// Sending regions (M3): which region a destination prefers ("gmail.com": "eu"), a region per sender
/// domain, and the health rules of channels.
/// </summary>
public sealed class RoutingOptions
{
    /// <summary>Recipient domain → the region whose channels go first.</summary>
    public Dictionary<string, string> DestinationRegions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Sender domain → its default region, when the destination has no rule.</summary>
    public Dictionary<string, string> SenderRegions { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Failures in a row after which a channel is skipped (for one destination, or everywhere).</summary>
    public int FailuresBeforeCoolDown { get; set; } = 3;

    /// <summary>
    /// How many of the latest tries through a channel towards a destination are remembered. The circuit
    /// opens only when, besides <see cref="FailuresBeforeCoolDown"/> failures in a row, at least half of
    /// these failed: a few connections that broke together among many good ones do not stop the channel.
    /// </summary>
    public int RecentTries { get; set; } = 20;

    /// <summary>How long a failing channel is skipped before one probe is let through.</summary>
    public TimeSpan CoolDown { get; set; } = TimeSpan.FromMinutes(5);
}
