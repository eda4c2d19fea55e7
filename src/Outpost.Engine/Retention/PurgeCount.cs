namespace Outpost.Engine.Retention;

/// <summary>
/// One line of a purge: a kind ("messages", "refusals", "spool-files", …), how many went (or would go),
/// the age beyond which they go (null: this kind is kept forever), and for files their size.
/// </summary>
public sealed record PurgeCount(string Kind, long Count, TimeSpan? OlderThan, long? Bytes = null);
