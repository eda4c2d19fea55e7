using Outpost.Smtp;

namespace Outpost.Engine.Submission;

/// <summary>The outcome of an API submission: the final reply (250 with the queue id, or the refusal) and each recipient's reply.</summary>
public sealed record ApiSubmissionResult(SmtpReply Reply, string? MessageId, IReadOnlyList<(string Address, SmtpReply Reply)> Recipients);
