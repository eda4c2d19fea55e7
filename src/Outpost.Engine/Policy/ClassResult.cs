namespace Outpost.Engine.Policy;

/// <summary>
/// One class's verdict on a message: whether it refuses (<paramref name="Fired"/>) or holds it for
/// review (<paramref name="Held"/>), its score (the model's probability), and the evidence behind it in words.
/// </summary>
public sealed record ClassResult(ContentClass Class, bool Fired, double Score, IReadOnlyList<string> Signals, bool Held = false);
