using System.IO.Compression;
using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.ML;

namespace Outpost.Engine.Policy.Model;

/// <summary>
/// Trains the content model from a labelled corpus (<c>outpost policy train</c>): stratified k-fold
/// cross-validation first, whose out-of-fold probabilities choose each refusing class's refuse and
/// review thresholds and give the honest figures of the manifest; then the model fitted on the whole
/// corpus. Deterministic for a seed: folds come from a hash of each message's id, and the learner runs
/// on one thread. A held-out set plays no part here; it is only ever read by <see cref="Evaluate"/>.
/// </summary>
public sealed class ModelTrainer(TrainingOptions options, int seed = 20261201)
{
    public sealed record Trained(MLContext Ml, ITransformer Model, DataViewSchema Schema, LinearScorer Scorer, ModelManifest Manifest)
    {
        /// <summary>Each corpus message's out-of-fold probabilities (the cross-validation's), in corpus order.</summary>
        public IReadOnlyList<IReadOnlyDictionary<string, double>> OutOfFold { get; init; } = [];

        public ContentModel Runtime() => ContentModel.FromTrained(Scorer, Manifest);
    }

    public Trained Train(IReadOnlyList<CorpusMessage> corpus, Action<string>? progress = null, DateTimeOffset? now = null)
    {
        var missing = ContentLabels.All.Where(l => corpus.All(m => m.Label != l)).ToList();
        if (missing.Count > 0)
            throw new ArgumentException($"The corpus has no messages labelled {string.Join(", ", missing)}; every label needs examples.");
        var ml = new MLContext(seed);
        var outOfFold = CrossValidate(ml, corpus, progress);
        var labels = ContentLabels.All.Order(StringComparer.Ordinal).ToArray();
        var thresholds = ChooseThresholds(corpus, outOfFold);
        var provisional = Manifest(corpus, labels, thresholds, null, now);
        var cv = EvaluationReport.Compute(corpus.Select((m, i) => new EvaluationReport.Outcome(m.Label, m.Language, m.Hard, ModelDecision.Decide(outOfFold[i], provisional), outOfFold[i][m.Label])).ToList());
        progress?.Invoke("fitting the model on the whole corpus");
        var (model, schema, scorer) = ModelPipeline.Fit(ml, options, corpus.Select(m => (m.Features, m.Label)).ToList());
        return new Trained(ml, model, schema, scorer, provisional with { CrossValidation = cv }) { OutOfFold = outOfFold };
    }

    /// <summary>Each message's probabilities from the model of the folds it was not in (vocabulary and weights both learned without it).</summary>
    public Dictionary<string, double>[] CrossValidate(MLContext ml, IReadOnlyList<CorpusMessage> corpus, Action<string>? progress = null)
    {
        var folds = Folds(corpus, options.Folds);
        var result = new Dictionary<string, double>[corpus.Count];
        for (var fold = 0; fold < options.Folds; fold++)
        {
            progress?.Invoke($"cross-validation: fold {fold + 1} of {options.Folds}");
            var train = corpus.Where((_, i) => folds[i] != fold).Select(m => (m.Features, m.Label)).ToList();
            var (_, _, scorer) = ModelPipeline.Fit(ml, options, train);
            for (var i = 0; i < corpus.Count; i++)
            {
                if (folds[i] != fold)
                    continue;
                var p = scorer.Probabilities(FeatureVector.Build(corpus[i].Features, scorer.Vocabulary));
                result[i] = scorer.Labels.Select((l, j) => (l, p[j])).ToDictionary(x => x.l, x => x.Item2);
            }
        }
        return result;
    }

    /// <summary>Stratified folds: within each label and language, messages in the order of a hash of their id, dealt round the folds.</summary>
    int[] Folds(IReadOnlyList<CorpusMessage> corpus, int k)
    {
        var folds = new int[corpus.Count];
        foreach (var group in Enumerable.Range(0, corpus.Count).GroupBy(i => (corpus[i].Label, corpus[i].Language)))
        {
            var n = 0;
            foreach (var i in group.OrderBy(i => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(corpus[i].Id), seed)))
                folds[i] = n++ % k;
        }
        return folds;
    }

    /// <summary>
    /// Per refusing class, the lowest probability at which refusals keep <see cref="TrainingOptions.RefusePrecision"/>
    /// on the out-of-fold predictions (never below 0.5), and below it the lowest at which the review band keeps
    /// <see cref="TrainingOptions.ReviewPrecision"/> (never below <see cref="TrainingOptions.ReviewFloor"/>).
    /// </summary>
    public Dictionary<string, ClassThresholds> ChooseThresholds(IReadOnlyList<CorpusMessage> corpus, IReadOnlyList<IReadOnlyDictionary<string, double>> probabilities)
    {
        var refuse = new Dictionary<string, double>();
        var review = new Dictionary<string, double>();
        foreach (var label in ContentLabels.Refusing)
        {
            var ranked = corpus.Select((m, i) => (P: probabilities[i][label], Positive: m.Label == label)).OrderByDescending(x => x.P).ToList();
            refuse[label] = Lowest(ranked, options.RefusePrecision, floor: 0.5);
            review[label] = Lowest(ranked, options.ReviewPrecision, floor: options.ReviewFloor);
        }
        LimitBusinessRefusals(corpus, probabilities, refuse);
        return ContentLabels.Refusing.ToDictionary(l => l, l => new ClassThresholds(Math.Round(refuse[l], 4), Math.Round(Math.Min(review[l], refuse[l]), 4)));
    }

    /// <summary>
    /// The second half of the goal: at most <see cref="TrainingOptions.BusinessRefusedShare"/> of business mail
    /// refused. While the out-of-fold refusals exceed it, one business refusal is undone at the least cost: of
    /// the classes that refuse business mail, the one whose threshold can rise past its lowest-scoring business
    /// mail losing the fewest of its own refusals (they wait for review instead).
    /// </summary>
    void LimitBusinessRefusals(IReadOnlyList<CorpusMessage> corpus, IReadOnlyList<IReadOnlyDictionary<string, double>> probabilities, Dictionary<string, double> refuse)
    {
        var business = Enumerable.Range(0, corpus.Count).Where(i => corpus[i].Label == ContentLabels.Business).ToList();
        var allowed = (int)Math.Floor(business.Count * options.BusinessRefusedShare);
        while (true)
        {
            // Which class refuses each business mail, as ModelDecision decides it.
            var refusedBy = business.Select(i => (Index: i, Label: ContentLabels.Refusing.Where(l => probabilities[i][l] >= refuse[l]).MaxBy(l => probabilities[i][l])))
                .Where(x => x.Label is not null).ToList();
            if (refusedBy.Count <= allowed)
                return;
            var cheapest = refusedBy.GroupBy(x => x.Label!).Select(g =>
            {
                var raiseTo = Math.Min(1, g.Min(x => probabilities[x.Index][g.Key]) + 1e-9);
                var lost = corpus.Where((m, i) => m.Label == g.Key && probabilities[i][g.Key] >= refuse[g.Key] && probabilities[i][g.Key] < raiseTo).Count();
                return (Label: g.Key, RaiseTo: raiseTo, Lost: lost);
            }).OrderBy(o => o.Lost).ThenBy(o => o.Label, StringComparer.Ordinal).First();
            if (cheapest.RaiseTo >= 1)
                return; // a business mail the model is certain of cannot be let through by thresholds
            refuse[cheapest.Label] = cheapest.RaiseTo;
        }
    }

    /// <summary>The lowest threshold whose precision is at least <paramref name="precision"/>, walking down the ranking.</summary>
    static double Lowest(List<(double P, bool Positive)> ranked, double precision, double floor)
    {
        var best = 1.0;
        int hits = 0, total = 0;
        for (var i = 0; i < ranked.Count; i++)
        {
            total++;
            if (ranked[i].Positive)
                hits++;
            // Ties move together: a threshold cannot split messages of equal probability.
            if (i + 1 < ranked.Count && ranked[i + 1].P == ranked[i].P)
                continue;
            if (ranked[i].P < floor)
                break;
            if ((double)hits / total >= precision)
                best = ranked[i].P;
        }
        return Math.Max(best, floor);
    }

    ModelManifest Manifest(IReadOnlyList<CorpusMessage> corpus, string[] labels, Dictionary<string, ClassThresholds> thresholds, EvaluationReport? cv, DateTimeOffset? now)
    {
        var digest = Digest(corpus);
        var at = now ?? DateTimeOffset.UtcNow;
        // The version names what made the model: the corpus, the settings, the seed, the features' layout and
        // what the extraction read of each mail (a decoding fix changes the model as much as a new mail does:
        // the GBK fix retrained the same corpus into another model).
        var made = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{digest}|{JsonSerializer.Serialize(options)}|{seed}|{ModelInput.StructureLength}|{ReadDigest(corpus)}")));
        return new ModelManifest
        {
            Version = $"{at:yyyyMMdd}-{made[..10]}",
            Labels = labels,
            Thresholds = thresholds,
            CorpusDigest = digest,
            Examples = corpus.GroupBy(m => m.Label).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            Seed = seed,
            Options = options,
            TrainedAt = at,
            CrossValidation = cv,
        };
    }

    /// <summary>A SHA-256 over every message's label, id and bytes, in a fixed order: the same corpus gives the same digest.</summary>
    /// <summary>A digest of what the feature extraction read of every mail: its words, characters and structure.</summary>
    static string ReadDigest(IReadOnlyList<CorpusMessage> corpus)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var m in corpus.OrderBy(m => m.Label, StringComparer.Ordinal).ThenBy(m => m.Id, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{m.Features.Words}\u0001{m.Features.Chars}\u0001"));
            foreach (var f in m.Features.Structure)
                sha.AppendData(BitConverter.GetBytes(f));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    static string Digest(IReadOnlyList<CorpusMessage> corpus)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var m in corpus.OrderBy(m => m.Label, StringComparer.Ordinal).ThenBy(m => m.Id, StringComparer.Ordinal))
        {
            sha.AppendData(Encoding.UTF8.GetBytes($"{m.Label}/{m.Id}\n"));
            sha.AppendData(SHA256.HashData(File.ReadAllBytes(m.Path)));
        }
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    /// <summary>Writes <c>content-model.zip</c> (ML.NET's classifier and the vocabulary) and <c>content-model.json</c> into <paramref name="directory"/>.</summary>
    public static void Save(Trained trained, string directory)
    {
        Directory.CreateDirectory(directory);
        var zip = Path.Combine(directory, ContentModel.ModelFile);
        using (var file = File.Create(zip + ".tmp"))
        using (var archive = new ZipArchive(file, ZipArchiveMode.Create))
        {
            // Fixed entry times: the same training gives the same bytes.
            var classifier = archive.CreateEntry(ContentModel.ClassifierEntry, CompressionLevel.NoCompression);
            classifier.LastWriteTime = trained.Manifest.TrainedAt;
            var bytes = new MemoryStream(); // ML.NET writes a zip of its own, which needs a stream it can seek
            trained.Ml.Model.Save(trained.Model, trained.Schema, bytes);
            using (var stream = classifier.Open())
                stream.Write(bytes.GetBuffer(), 0, (int)bytes.Length);
            var vocabulary = archive.CreateEntry(ContentModel.VocabularyEntry, CompressionLevel.SmallestSize);
            vocabulary.LastWriteTime = trained.Manifest.TrainedAt;
            using var writer = new StreamWriter(vocabulary.Open(), new UTF8Encoding(false));
            trained.Scorer.Vocabulary.Write(writer);
        }
        File.Move(zip + ".tmp", zip, overwrite: true);
        var json = Path.Combine(directory, ContentModel.ManifestFile);
        File.WriteAllText(json + ".tmp", JsonSerializer.Serialize(trained.Manifest, ModelManifest.Json) + "\n");
        File.Move(json + ".tmp", json, overwrite: true);
    }

    /// <summary>A model's decisions on a corpus it was not trained on.</summary>
    public static EvaluationReport Evaluate(ContentModel model, IReadOnlyList<CorpusMessage> corpus) =>
        EvaluationReport.Compute(corpus.Select(m =>
        {
            var probabilities = model.Predict(m.Features).Probabilities;
            return new EvaluationReport.Outcome(m.Label, m.Language, m.Hard, ModelDecision.Decide(probabilities, model.Manifest), probabilities[m.Label]);
        }).ToList());
}
