namespace Outpost.Engine.Retention;

/// <summary>One batch of the send-log purge: what it removed, and where the next one starts (null: nothing old is left to look at).</summary>
public sealed record SendLogBatch(MessageRows Removed, PurgePosition? Next);
