namespace Outpost.Engine.Policy;

/// <summary>
/// One word of a <see cref="PhraseText"/>: where it is, its hash, whether punctuation that ends a
/// clause (<see cref="AfterBreak"/>) stands before it, and whether it is a number of one to three digits
/// (what a "%" in a phrase list stands after).
/// </summary>
public readonly record struct PhraseToken(int Start, int Length, int Hash, bool AfterBreak, bool ShortNumber);
