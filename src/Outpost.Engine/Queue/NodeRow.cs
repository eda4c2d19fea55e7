namespace Outpost.Engine.Queue;

/// <summary>A node as the store knows it: its last beat and the leases it holds now.</summary>
public sealed record NodeRow(string Id, string Version, string Host, DateTimeOffset StartedAt, DateTimeOffset LastBeat, int LeasesHeld);
