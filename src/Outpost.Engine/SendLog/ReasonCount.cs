using Outpost.Engine.Queue;

namespace Outpost.Engine.SendLog;

/// <summary>
/// How often one remote reply (by code and enhanced code; <see cref="Reply"/> carries one example's text)
/// deferred or bounced a recipient; <see cref="Type"/> is the event type (deferred, bounced or expired).
/// </summary>
public sealed record ReasonCount(string Type, RemoteReply Reply, int Count);
