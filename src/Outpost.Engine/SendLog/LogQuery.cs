using Outpost.Engine.Queue;

namespace Outpost.Engine.SendLog;

/// <summary>Filters for the send log; every one optional.</summary>
public sealed record LogQuery(string? From = null, string? To = null, RecipientStatus? Status = null, DateTimeOffset? Since = null, int Limit = 100, DateTimeOffset? Before = null);
