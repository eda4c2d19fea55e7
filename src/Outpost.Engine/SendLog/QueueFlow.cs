namespace Outpost.Engine.SendLog;

/// <summary>
/// In one hour, how many recipients came into the queue (queued or held) and how many left it (to a
/// final status). The queue's depth over time is worked back from these and the depth now.
/// </summary>
public sealed record QueueFlow(DateTimeOffset Hour, int Entered, int Left);
