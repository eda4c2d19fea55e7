namespace Outpost.Engine.Policy.Model;

/// <summary>The layout of the content model's input that is fixed in code: how many structural features follow the vocabulary's terms.</summary>
public static class ModelInput
{
    /// <summary>The number of structural features; a test holds it equal to the number of <see cref="StructureFeature"/>s.</summary>
    public const int StructureLength = 30;
}
