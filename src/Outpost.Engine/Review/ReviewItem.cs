namespace Outpost.Engine.Review;

/// <summary>
/// A message held for review: who sent what, the label the content model thought likely with its
/// probability and evidence, and, once decided, who decided what and when.
/// </summary>
public sealed record ReviewItem(
    string MessageId,
    string Sender,
    string? Subject,
    string Label,
    double Probability,
    string Evidence,
    string Model,
    DateTimeOffset CreatedAt,
    int HeldRecipients,
    string? Decision,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    string? Reason);
