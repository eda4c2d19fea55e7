namespace Outpost.Engine.Spool;

/// <summary>A stored message body as the sweeper sees it: its queue id and its size in bytes.</summary>
public readonly record struct StoredBody(string Id, long Length);
