using Microsoft.ML.Data;

namespace Outpost.Engine.Policy.Model;

/// <summary>What a prediction returns: a probability per label (in the model's label order) and the feature vector it was computed from, which the explanation reads.</summary>
public sealed class ModelOutput
{
    public float[] Score { get; set; } = [];

    public VBuffer<float> Features { get; set; }
}
