namespace Outpost.Engine.Policy.Model;

/// <summary>One text feature of a message: its 64-bit key (<see cref="TermKeys"/>) and where its text stands in the words or characters it came from.</summary>
public readonly record struct Gram(ulong Key, int Start, int Length);
