namespace Outpost.Engine.SendLog;

/// <summary>Which events to read: after an id (readers keep their place by it), of one message, of one type.</summary>
public sealed record EventQuery(long AfterId = 0, string? MessageId = null, string? Type = null, int Limit = 100);
