namespace Outpost.Engine.Policy.Model;

/// <summary>
/// What the content model reads of one message: its normalised words and characters, its structural
/// features (<see cref="StructureFeature"/> order), and for each structural feature that is present the
/// words an explanation uses for it.
/// </summary>
public sealed record MessageFeatures(string Words, string Chars, float[] Structure, string?[] Evidence);
