using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;

namespace Outpost.Engine.Policy.Model;

/// <summary>
/// The trained content model at run time (R1, F2): loaded once, it gives each message a probability per
/// label, the decision its manifest's thresholds make of them, and the evidence that weighed most.
/// Talks to nothing but its two files: the model shipped inside Outpost, or a retrained one in the data
/// directory (<c>policy/content-model.zip</c> and <c>.json</c>), which then takes precedence.
/// ML.NET's prediction engines are not thread-safe, so each call borrows one from a small pool.
/// Security: the model is code-free data (ML.NET's own format); a file that fails to load stops
/// start-up with a sentence instead of letting mail through unclassified.
/// </summary>
public sealed class ContentModel
{
    public const string ModelFile = "content-model.zip";
    public const string ManifestFile = "content-model.json";

    readonly MLContext _ml;
    readonly ITransformer _model;
    readonly ConcurrentBag<PredictionEngine<ModelInput, ModelOutput>> _engines = [];
    readonly string[] _labels;
    readonly VBuffer<float>[] _weights;
    readonly string[] _slotNames;
    readonly int _structureStart;
    readonly int _business;

    public ModelManifest Manifest { get; }

    /// <summary>Where this model came from: "shipped" or the path of a retrained one.</summary>
    public string Source { get; }

    ContentModel(MLContext ml, ITransformer model, DataViewSchema inputSchema, ModelManifest manifest, string source)
    {
        _ml = ml;
        _model = model;
        Manifest = manifest;
        Source = source;
        // A model made by an Outpost with another feature layout would fail on the first message; say so now.
        if (inputSchema.GetColumnOrNull(nameof(ModelInput.Structure)) is not { Type: VectorDataViewType { Size: var size } } || size != ModelInput.StructureLength)
            throw new InvalidDataException($"The content model {source} was trained with another set of structural features than this Outpost reads " +
                $"({ModelInput.StructureLength}); retrain it with `outpost policy train`, or remove it to use the shipped model.");
        var output = model.GetOutputSchema(inputSchema);
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        output["Score"].GetSlotNames(ref names);
        _labels = names.DenseValues().Select(n => n.ToString()).ToArray();
        if (!_labels.SequenceEqual(manifest.Labels))
            throw new InvalidDataException($"The content model's labels ({string.Join(", ", _labels)}) do not match its manifest's ({string.Join(", ", manifest.Labels)}).");
        _business = Array.IndexOf(_labels, ContentLabels.Business);

        var slots = default(VBuffer<ReadOnlyMemory<char>>);
        var features = output["Features"];
        if (features.HasSlotNames())
            features.GetSlotNames(ref slots);
        var length = ((VectorDataViewType)features.Type).Size;
        _slotNames = new string[length];
        var dense = slots.Length == length ? slots.DenseValues().Select(s => s.ToString()).ToArray() : [];
        for (var i = 0; i < length; i++)
            _slotNames[i] = i < dense.Length ? dense[i] : "";
        _structureStart = length - ModelInput.StructureLength;

        // A fitted chain is typed by its last transformer, a loaded one by ITransformer: both enumerate their parts.
        var predictor = ((IEnumerable<ITransformer>)model).LastOrDefault() as MulticlassPredictionTransformer<MaximumEntropyModelParameters>
            ?? throw new InvalidDataException("The content model does not end in a maximum-entropy classifier.");
        VBuffer<float>[] weights = [];
        predictor.Model.GetWeights(ref weights, out _);
        _weights = weights;
    }

    /// <summary>The model in <paramref name="directory"/> if one was retrained there, else the one shipped inside Outpost.</summary>
    public static ContentModel Load(string? directory)
    {
        if (directory is not null && File.Exists(Path.Combine(directory, ModelFile)) && File.Exists(Path.Combine(directory, ManifestFile)))
        {
            using var zip = File.OpenRead(Path.Combine(directory, ModelFile));
            using var json = File.OpenRead(Path.Combine(directory, ManifestFile));
            return Load(zip, json, Path.Combine(directory, ModelFile));
        }
        var assembly = typeof(ContentModel).Assembly;
        using var shippedZip = assembly.GetManifestResourceStream("Outpost.Engine.Policy.Model." + ModelFile)
            ?? throw new InvalidDataException("Outpost was built without its content model (Policy/Model/content-model.zip); run `outpost policy train` first.");
        using var shippedJson = assembly.GetManifestResourceStream("Outpost.Engine.Policy.Model." + ManifestFile)!;
        return Load(shippedZip, shippedJson, "shipped");
    }

    public static ContentModel Load(Stream model, Stream manifest, string source)
    {
        var ml = new MLContext(seed: 1);
        var transformer = ml.Model.Load(model, out var schema);
        var parsed = JsonSerializer.Deserialize<ModelManifest>(manifest, ModelManifest.Json)
            ?? throw new InvalidDataException("The content model's manifest is empty.");
        return new ContentModel(ml, transformer, schema, parsed, source);
    }

    public static ContentModel FromTrained(MLContext ml, ITransformer model, DataViewSchema schema, ModelManifest manifest) =>
        new(ml, model, schema, manifest, "trained");

    /// <summary>The probability of every label, in the manifest's label order.</summary>
    public Prediction Predict(MessageFeatures features)
    {
        if (!_engines.TryTake(out var engine))
            engine = _ml.Model.CreatePredictionEngine<ModelInput, ModelOutput>(_model);
        var output = new ModelOutput();
        try
        {
            engine.Predict(ModelInput.From(features), ref output);
        }
        finally
        {
            _engines.Add(engine);
        }
        var probabilities = new Dictionary<string, double>(_labels.Length);
        for (var i = 0; i < _labels.Length; i++)
            probabilities[_labels[i]] = output.Score[i];
        return new Prediction(probabilities, output.Features);
    }

    /// <summary>The probabilities and the feature vector of one message (the vector is kept for <see cref="Explain"/>).</summary>
    public sealed record Prediction(IReadOnlyDictionary<string, double> Probabilities, VBuffer<float> Features);

    /// <summary>
    /// The evidence that weighed most towards <paramref name="label"/> against business mail: for each
    /// feature present, its value times the difference of the two classes' weights; the largest, in words
    /// (word n-grams quoted, Chinese character n-grams quoted, structural features in their sentences).
    /// Character n-grams of Latin text are left out: "stä" says nothing to a person.
    /// </summary>
    public IReadOnlyList<string> Explain(Prediction prediction, MessageFeatures features, string label, int count = 4)
    {
        var target = Array.IndexOf(_labels, label);
        if (target < 0 || _business < 0)
            return [];
        int[] against = label == ContentLabels.Business ? [.. Enumerable.Range(0, _labels.Length).Where(i => i != _business)] : [_business];
        var contributions = new List<(double Weight, string Words)>();
        var values = prediction.Features.GetValues();
        var dense = prediction.Features.IsDense;
        var indices = prediction.Features.GetIndices();
        var w = _weights[target];
        for (var k = 0; k < values.Length; k++)
        {
            var i = dense ? k : indices[k];
            var x = values[k];
            if (x == 0)
                continue;
            var other = against.Average(a => (double)Weight(_weights[a], i));
            var weight = x * (Weight(w, i) - other);
            if (weight <= 0)
                continue;
            var words = Describe(i, features);
            if (words is not null)
                contributions.Add((weight, words));
        }
        return contributions.OrderByDescending(c => c.Weight).Select(c => c.Words).Distinct().Take(count).ToList();
    }

    static float Weight(VBuffer<float> weights, int index)
    {
        if (weights.IsDense)
            return weights.GetValues()[index];
        var i = weights.GetIndices().BinarySearch(index, Comparer<int>.Default);
        return i >= 0 ? weights.GetValues()[i] : 0;
    }

    string? Describe(int slot, MessageFeatures features)
    {
        if (slot >= _structureStart)
            return features.Evidence[slot - _structureStart];
        var name = _slotNames[slot];
        var dot = name.IndexOf('.');
        if (dot < 0)
            return null;
        var column = name[..dot];
        var gram = name[(dot + 1)..];
        if (column == "WordFeatures")
            return "'" + string.Join(" ", gram.Split('|').Select(Humanise)) + "'";
        if (column == "CharFeatures" && gram.Any(c => c >= PhraseText.Cjk))
            return "'" + string.Concat(gram.Split('|').Select(c => c.Length == 1 ? c : "")) + "'";
        return null;
    }

    /// <summary>The normalised shapes in a person's words; a subject's word is named so.</summary>
    static string Humanise(string token) =>
        token.StartsWith("sbj", StringComparison.Ordinal) && token.Length > 3 ? $"{Shape(token[3..])} (subject)" : Shape(token);

    static string Shape(string token) => token switch
    {
        "urltok" => "<link>",
        "emailtok" => "<address>",
        "moneytok" => "<price>",
        "pcttok" => "<percentage>",
        "datetok" => "<date>",
        "timetok" => "<time>",
        "codegrouptok" => "<grouped code>",
        "numgrouptok" => "<number>",
        "alnumtok" => "<letter-and-digit code>",
        "numtok" => "<number>",
        "yeartok" => "<year>",
        "dig4tok" => "<4-digit code>",
        "dig5tok" => "<5-digit code>",
        "dig6tok" => "<6-digit code>",
        "dig7tok" => "<7-digit code>",
        "dig8tok" => "<8-digit code>",
        "longnumtok" => "<long number>",
        _ => token,
    };
}
