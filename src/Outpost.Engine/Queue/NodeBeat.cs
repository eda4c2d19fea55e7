namespace Outpost.Engine.Queue;

/// <summary>One beat of a node's heartbeat, as its row in the nodes table records it.</summary>
public sealed record NodeBeat(string Id, string Version, string Host, DateTimeOffset StartedAt, DateTimeOffset At);
