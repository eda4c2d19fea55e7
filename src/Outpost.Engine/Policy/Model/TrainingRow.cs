using Microsoft.ML.Data;

namespace Outpost.Engine.Policy.Model;

/// <summary>One training message as ML.NET reads it: its feature vector and its label.</summary>
public sealed class TrainingRow
{
    public VBuffer<float> Features { get; set; }

    public string Label { get; set; } = "";
}
