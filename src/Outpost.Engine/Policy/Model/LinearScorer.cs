using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Outpost.Engine.Policy.Model;

/// <summary>
/// The trained classifier's arithmetic at prediction time: per label a bias plus the weights of the
/// message's features times their values, and a softmax over the labels — what ML.NET's maximum-entropy
/// model computes, done here straight from its weights (read once at load) over the sparse
/// <see cref="FeatureVector"/>. ML.NET's prediction engine spent milliseconds per message on its
/// text transforms and row plumbing; this is one multiply-add per feature and label
/// (<c>ContentModelTests</c> holds the two equal).
/// </summary>
public sealed class LinearScorer
{
    readonly float[] _weights; // feature-major: the weights of feature i are [i * labels, (i + 1) * labels)
    readonly float[] _biases;

    public TextVocabulary Vocabulary { get; }

    /// <summary>The labels in the model's order (ordinal).</summary>
    public IReadOnlyList<string> Labels { get; }

    LinearScorer(TextVocabulary vocabulary, string[] labels, float[] weights, float[] biases)
    {
        Vocabulary = vocabulary;
        Labels = labels;
        _weights = weights;
        _biases = biases;
    }

    /// <summary>The weights of a fitted or loaded ML.NET model over <paramref name="vocabulary"/>.</summary>
    public static LinearScorer From(ITransformer model, DataViewSchema inputSchema, TextVocabulary vocabulary, string source)
    {
        // A fitted chain is typed by its last transformer, a loaded one by ITransformer: both enumerate their parts.
        var predictor = ((IEnumerable<ITransformer>)model).LastOrDefault() as MulticlassPredictionTransformer<MaximumEntropyModelParameters>
            ?? throw new InvalidDataException($"The content model {source} does not end in a maximum-entropy classifier.");
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        model.GetOutputSchema(inputSchema)["Score"].GetSlotNames(ref names);
        var labels = names.DenseValues().Select(n => n.ToString()).ToArray();

        VBuffer<float>[] weights = [];
        predictor.Model.GetWeights(ref weights, out var classes);
        var length = vocabulary.Count + vocabulary.StructureLength;
        if (classes != labels.Length || weights.Any(w => w.Length != length))
            throw new InvalidDataException($"The content model {source} does not fit its vocabulary ({length} features); retrain it with `outpost policy train`.");
        var dense = new float[length * classes];
        for (var c = 0; c < classes; c++)
        {
            var values = weights[c].GetValues();
            var indices = weights[c].GetIndices();
            for (var k = 0; k < values.Length; k++)
                dense[(weights[c].IsDense ? k : indices[k]) * classes + c] = values[k];
        }
        return new LinearScorer(vocabulary, labels, dense, [.. predictor.Model.GetBiases()]);
    }

    /// <summary>The probability of each label (in <see cref="Labels"/> order) for one message's vector.</summary>
    public double[] Probabilities(FeatureVector vector)
    {
        var classes = _biases.Length;
        Span<double> scores = stackalloc double[classes];
        for (var c = 0; c < classes; c++)
            scores[c] = _biases[c];
        var indices = vector.Indices;
        var values = vector.Values;
        for (var k = 0; k < indices.Length; k++)
        {
            var row = _weights.AsSpan(indices[k] * classes, classes);
            var x = values[k];
            for (var c = 0; c < classes; c++)
                scores[c] += x * row[c];
        }
        var max = double.MinValue;
        foreach (var s in scores)
            max = Math.Max(max, s);
        var result = new double[classes];
        double sum = 0;
        for (var c = 0; c < classes; c++)
            sum += result[c] = Math.Exp(scores[c] - max);
        for (var c = 0; c < classes; c++)
            result[c] /= sum;
        return result;
    }

    /// <summary>The weight of feature <paramref name="feature"/> for the label at <paramref name="label"/>.</summary>
    public float Weight(int feature, int label) => _weights[feature * _biases.Length + label];
}
