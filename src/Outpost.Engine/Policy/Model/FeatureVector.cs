using Microsoft.ML.Data;

namespace Outpost.Engine.Policy.Model;

/// <summary>
/// The numbers the classifier reads for one message, as a sparse vector over a <see cref="TextVocabulary"/>:
/// each known word term's count and each known character n-gram's count (damped to 1 + ln count when
/// <see cref="GramSettings.LogCounts"/>), each group divided by its own
/// L2 norm (a long mail weighs no more than a short one), then the structural features after the terms.
/// Grams the vocabulary does not know are left out, in training and in prediction alike. The entries are
/// in the order they were first seen, not sorted; <see cref="ToVBuffer"/> sorts them for ML.NET.
/// </summary>
public sealed class FeatureVector
{
    [ThreadStatic] static List<Gram>? t_grams;

    public required int[] Indices { get; init; }
    public required float[] Values { get; init; }

    /// <summary>The vector's dimension: the vocabulary's terms and the structural features.</summary>
    public required int Length { get; init; }

    public static FeatureVector Build(MessageFeatures features, TextVocabulary vocabulary)
    {
        var grams = t_grams ??= new List<Gram>(4096);
        var counts = vocabulary.Rent();
        var touched = new List<int>(1024);
        try
        {
            grams.Clear();
            var settings = vocabulary.Grams;
            TermKeys.Words(features.Words, grams, settings.Words);
            Count(grams, vocabulary, counts, touched);
            var words = touched.Count;
            grams.Clear();
            TermKeys.Chars(features.Chars, grams, settings.CharsFrom, settings.CharsTo);
            Count(grams, vocabulary, counts, touched);

            var structure = features.Structure;
            var present = 0;
            foreach (var s in structure)
                if (s != 0)
                    present++;
            var indices = new int[touched.Count + present];
            var values = new float[indices.Length];
            if (settings.LogCounts)
                foreach (var i in touched)
                    counts[i] = 1 + MathF.Log(counts[i]);
            Normalise(touched, 0, words, counts, indices, values);
            Normalise(touched, words, touched.Count, counts, indices, values);
            var k = touched.Count;
            for (var j = 0; j < structure.Length; j++)
            {
                if (structure[j] == 0)
                    continue;
                indices[k] = vocabulary.Count + j;
                values[k++] = structure[j];
            }
            return new FeatureVector { Indices = indices, Values = values, Length = vocabulary.Count + structure.Length };
        }
        finally
        {
            foreach (var i in touched)
                counts[i] = 0;
            vocabulary.Return(counts);
            if (grams.Capacity > 65_536)
                t_grams = null; // a freak message does not keep a large buffer alive on its thread
        }
    }

    static void Count(List<Gram> grams, TextVocabulary vocabulary, float[] counts, List<int> touched)
    {
        foreach (var gram in grams)
        {
            var i = vocabulary.IndexOf(gram.Key);
            if (i < 0)
                continue;
            if (counts[i] == 0)
                touched.Add(i);
            counts[i]++;
        }
    }

    static void Normalise(List<int> touched, int from, int to, float[] counts, int[] indices, float[] values)
    {
        double sum = 0;
        for (var k = from; k < to; k++)
            sum += (double)counts[touched[k]] * counts[touched[k]];
        var scale = sum > 0 ? (float)(1 / Math.Sqrt(sum)) : 0;
        for (var k = from; k < to; k++)
        {
            indices[k] = touched[k];
            values[k] = counts[touched[k]] * scale;
        }
    }

    /// <summary>The vector as ML.NET's sparse buffer (indices ascending), for training.</summary>
    public VBuffer<float> ToVBuffer()
    {
        var indices = (int[])Indices.Clone();
        var values = (float[])Values.Clone();
        Array.Sort(indices, values);
        return new VBuffer<float>(Length, indices.Length, values, indices);
    }
}
