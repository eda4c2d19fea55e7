using System.Text.Json;
using System.Text.Json.Serialization;

namespace Outpost.Engine.Policy.Model;

/// <summary>
/// What travels beside a trained model (<c>content-model.json</c> next to <c>content-model.zip</c>):
/// its version, the labels in the model's order, the thresholds per refusing class, how it was made
/// (corpus digest and size, seed, regularisation) and its cross-validated figures.
/// </summary>
public sealed record ModelManifest
{
    public required string Version { get; init; }
    public required string[] Labels { get; init; }
    public required Dictionary<string, ClassThresholds> Thresholds { get; init; }
    public double TestMailThreshold { get; init; } = 0.5;
    public required string CorpusDigest { get; init; }
    public required Dictionary<string, int> Examples { get; init; }
    public required int Seed { get; init; }
    public required TrainingOptions Options { get; init; }
    public DateTimeOffset TrainedAt { get; init; }
    public EvaluationReport? CrossValidation { get; init; }

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
