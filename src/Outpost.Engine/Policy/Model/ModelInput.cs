using Microsoft.ML.Data;

namespace Outpost.Engine.Policy.Model;

/// <summary>One row as ML.NET sees it, in training (with its label) and in prediction (label empty).</summary>
public sealed class ModelInput
{
    /// <summary>The length of <see cref="Structure"/>; a test holds it equal to the number of <see cref="StructureFeature"/>s.</summary>
    public const int StructureLength = 30;

    public string Words { get; set; } = "";
    public string Chars { get; set; } = "";

    [VectorType(StructureLength)]
    public float[] Structure { get; set; } = new float[StructureLength];

    public string Label { get; set; } = "";

    public static ModelInput From(MessageFeatures features, string label = "") =>
        new() { Words = features.Words, Chars = features.Chars, Structure = features.Structure, Label = label };
}
