using Outpost.Engine.Queue;

namespace Outpost.Engine.SendLog;

/// <summary>An attempt as the report shows it: for which recipient, with which result.</summary>
public sealed record AttemptEntry(string Recipient, RecipientStatus Outcome, DeliveryAttempt Attempt);
