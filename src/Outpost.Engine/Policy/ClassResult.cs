namespace Outpost.Engine.Policy;

/// <summary>One class's verdict on a message: whether it fired, its score, and the signals behind it.</summary>
public sealed record ClassResult(ContentClass Class, bool Fired, double Score, IReadOnlyList<string> Signals);
