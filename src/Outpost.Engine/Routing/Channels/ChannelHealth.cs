namespace Outpost.Engine.Routing.Channels;

/// <summary>
/// A channel's health, everywhere (<see cref="Destination"/> "*") or towards one destination domain:
/// failures in a row, the last error, and until when it is skipped (its circuit is open).
/// </summary>
public sealed record ChannelHealth(string Channel, string Destination, int Failures, string? LastError, DateTimeOffset? SkipUntil, DateTimeOffset UpdatedAt)
{
    public bool CoolingDown(DateTimeOffset now) => SkipUntil is { } until && until > now;
}
