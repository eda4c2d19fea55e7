using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;

namespace Outpost.Engine.Policy.Model;

/// <summary>
/// The trained content model at run time (R1, F2): loaded once, it gives each message a probability per
/// label, the decision its manifest's thresholds make of them, and the evidence that weighed most.
/// Talks to nothing but its two files: the model shipped inside Outpost, or a retrained one in the data
/// directory (<c>policy/content-model.zip</c> and <c>.json</c>), which then takes precedence. The zip
/// holds ML.NET's classifier (<c>classifier.zip</c>) and its <see cref="TextVocabulary"/>
/// (<c>vocabulary.txt</c>); at load the classifier's weights are read into a <see cref="LinearScorer"/>,
/// which predicts without ML.NET's row machinery and is safe to share between threads.
/// Security: the model is code-free data (ML.NET's own format and a text file); a file that fails to
/// load stops start-up with a sentence instead of letting mail through unclassified.
/// </summary>
public sealed class ContentModel
{
    public const string ModelFile = "content-model.zip";
    public const string ManifestFile = "content-model.json";
    public const string ClassifierEntry = "classifier.zip";
    public const string VocabularyEntry = "vocabulary.txt";

    readonly LinearScorer _scorer;
    readonly int _business;

    public ModelManifest Manifest { get; }

    /// <summary>Where this model came from: "shipped" or the path of a retrained one.</summary>
    public string Source { get; }

    ContentModel(LinearScorer scorer, ModelManifest manifest, string source)
    {
        _scorer = scorer;
        Manifest = manifest;
        Source = source;
        if (!scorer.Labels.SequenceEqual(manifest.Labels))
            throw new InvalidDataException($"The content model's labels ({string.Join(", ", scorer.Labels)}) do not match its manifest's ({string.Join(", ", manifest.Labels)}).");
        _business = Array.IndexOf(manifest.Labels, ContentLabels.Business);
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
        var parsed = JsonSerializer.Deserialize<ModelManifest>(manifest, ModelManifest.Json)
            ?? throw new InvalidDataException("The content model's manifest is empty.");
        TextVocabulary vocabulary;
        ITransformer transformer;
        DataViewSchema schema;
        try
        {
            using var archive = new ZipArchive(model, ZipArchiveMode.Read);
            var vocabularyEntry = archive.GetEntry(VocabularyEntry);
            var classifierEntry = archive.GetEntry(ClassifierEntry);
            if (vocabularyEntry is null || classifierEntry is null)
                throw new InvalidDataException($"The content model {source} holds no {VocabularyEntry} and {ClassifierEntry}: it was made by an older Outpost; retrain it with `outpost policy train`, or remove it to use the shipped model.");
            using (var reader = new StreamReader(vocabularyEntry.Open()))
                vocabulary = TextVocabulary.Read(reader);
            var classifier = new MemoryStream();
            using (var stream = classifierEntry.Open())
                stream.CopyTo(classifier);
            classifier.Position = 0;
            transformer = new MLContext(seed: 1).Model.Load(classifier, out schema);
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith("The content model", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"The content model {source} cannot be read ({e.Message}); retrain it with `outpost policy train`, or remove it to use the shipped model.", e);
        }
        // A model made by an Outpost with another feature layout would misread every message; say so now.
        if (vocabulary.StructureLength != ModelInput.StructureLength)
            throw new InvalidDataException($"The content model {source} was trained with another set of structural features ({vocabulary.StructureLength}) than this Outpost reads " +
                $"({ModelInput.StructureLength}); retrain it with `outpost policy train`, or remove it to use the shipped model.");
        return new ContentModel(LinearScorer.From(transformer, schema, vocabulary, source), parsed, source);
    }

    public static ContentModel FromTrained(LinearScorer scorer, ModelManifest manifest) => new(scorer, manifest, "trained");

    /// <summary>The probability of every label, in the manifest's label order.</summary>
    public Prediction Predict(MessageFeatures features)
    {
        var vector = FeatureVector.Build(features, _scorer.Vocabulary);
        var p = _scorer.Probabilities(vector);
        var probabilities = new Dictionary<string, double>(p.Length);
        for (var i = 0; i < p.Length; i++)
            probabilities[_scorer.Labels[i]] = p[i];
        return new Prediction(probabilities, vector);
    }

    /// <summary>The probabilities and the feature vector of one message (the vector is kept for <see cref="Explain"/>).</summary>
    public sealed record Prediction(IReadOnlyDictionary<string, double> Probabilities, FeatureVector Vector);

    /// <summary>
    /// The evidence that weighed most towards <paramref name="label"/> against business mail: for each
    /// feature present, its value times the difference of the two classes' weights; the largest, in words
    /// (word n-grams quoted, Chinese character n-grams quoted, structural features in their sentences).
    /// Character n-grams of Latin text are left out: "stä" says nothing to a person; so are filler words
    /// (<see cref="FillerWords"/>).
    /// </summary>
    public IReadOnlyList<string> Explain(Prediction prediction, MessageFeatures features, string label, int count = 4)
    {
        var labels = Manifest.Labels;
        var target = Array.IndexOf(labels, label);
        if (target < 0 || _business < 0)
            return [];
        int[] against = label == ContentLabels.Business ? [.. Enumerable.Range(0, labels.Length).Where(i => i != _business)] : [_business];
        var contributions = new List<(double Weight, string Words)>();
        var vector = prediction.Vector;
        for (var k = 0; k < vector.Indices.Length; k++)
        {
            var i = vector.Indices[k];
            var other = 0.0;
            foreach (var a in against)
                other += _scorer.Weight(i, a);
            var weight = vector.Values[k] * (_scorer.Weight(i, target) - other / against.Length);
            if (weight <= 0)
                continue;
            var words = Describe(i, features);
            if (words is not null)
                contributions.Add((weight, words));
        }
        return contributions.OrderByDescending(c => c.Weight).Select(c => c.Words).Distinct().Take(count).ToList();
    }

    string? Describe(int feature, MessageFeatures features)
    {
        var vocabulary = _scorer.Vocabulary;
        if (feature >= vocabulary.Count)
            return features.Evidence[feature - vocabulary.Count];
        var term = vocabulary.Terms[feature];
        if (feature < vocabulary.WordCount)
            return FillerWords.OnlyFiller(term) ? null : "'" + string.Join(" ", term.Split(' ').Select(Humanise)) + "'";
        var chinese = string.Concat(term.Where(c => c >= PhraseText.Cjk));
        if (chinese.Length > 0 && !FillerWords.OnlyFiller(string.Join(' ', chinese.AsEnumerable())))
            return "'" + chinese + "'";
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
