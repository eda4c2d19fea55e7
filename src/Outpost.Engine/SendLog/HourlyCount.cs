namespace Outpost.Engine.SendLog;

/// <summary>How many recipients' events of one type fell into one hour (its start, UTC).</summary>
public sealed record HourlyCount(DateTimeOffset Hour, string Type, int Count);
