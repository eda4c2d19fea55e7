namespace Outpost.Engine.Queue;

/// <summary>
/// Why a message is queued with its external recipients held for review: the label the content model
/// thought likely (without being sure enough to refuse), its probability, the evidence, and the model's version.
/// </summary>
public sealed record ReviewHold(string Label, double Probability, string Evidence, string Model);
