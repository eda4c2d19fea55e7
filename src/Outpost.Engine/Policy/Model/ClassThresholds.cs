namespace Outpost.Engine.Policy.Model;

/// <summary>
/// A refusing class's two thresholds on its probability: at <see cref="Refuse"/> and above the message
/// is refused; from <see cref="Review"/> up to it, held for an operator's review. Both are chosen on
/// the cross-validated predictions of the training corpus (never on the held-out set).
/// </summary>
public sealed record ClassThresholds(double Refuse, double Review);
