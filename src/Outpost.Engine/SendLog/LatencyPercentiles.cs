namespace Outpost.Engine.SendLog;

/// <summary>Accepted → delivered times of the recipients delivered in a range (nearest-rank percentiles).</summary>
public sealed record LatencyPercentiles(int Count, TimeSpan P50, TimeSpan P90, TimeSpan P99, TimeSpan Max);
