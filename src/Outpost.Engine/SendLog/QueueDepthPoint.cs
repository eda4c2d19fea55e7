namespace Outpost.Engine.SendLog;

/// <summary>How many recipients waited in the queue (queued, deferred, delivering or held) at one moment.</summary>
public sealed record QueueDepthPoint(DateTimeOffset At, int Depth);
