using Outpost.Engine.SendLog;

namespace Outpost.Engine.Complaints;

/// <summary>
/// What the matcher found: the original message (null when none), the complainer among its recipients
/// (null when the report's addresses are redacted past telling, or name someone else), how it was found,
/// and the sentence that says all of it.
/// </summary>
public sealed record ComplaintMatch(MessageReport? Report, Queue.QueuedRecipient? Complainer, string? Method, string Explanation);
