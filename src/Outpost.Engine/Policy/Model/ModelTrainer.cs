using System.IO.Hashing;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;

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
    sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
    }

    public sealed record Trained(MLContext Ml, ITransformer Model, DataViewSchema Schema, ModelManifest Manifest)
    {
        /// <summary>Each corpus message's out-of-fold probabilities (the cross-validation's), in corpus order.</summary>
        public IReadOnlyList<IReadOnlyDictionary<string, double>> OutOfFold { get; init; } = [];

        public ContentModel Runtime() => ContentModel.FromTrained(Ml, Model, Schema, Manifest);
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
        var data = ml.Data.LoadFromEnumerable(corpus.Select(m => ModelInput.From(m.Features, m.Label)));
        var model = ModelPipeline.Create(ml, options).Fit(data);
        return new Trained(ml, model, data.Schema, provisional with { CrossValidation = cv }) { OutOfFold = outOfFold };
    }

    /// <summary>Each message's probabilities from the model of the folds it was not in.</summary>
    public Dictionary<string, double>[] CrossValidate(MLContext ml, IReadOnlyList<CorpusMessage> corpus, Action<string>? progress = null)
    {
        var folds = Folds(corpus, options.Folds);
        var result = new Dictionary<string, double>[corpus.Count];
        for (var fold = 0; fold < options.Folds; fold++)
        {
            progress?.Invoke($"cross-validation: fold {fold + 1} of {options.Folds}");
            var train = corpus.Where((_, i) => folds[i] != fold).Select(m => ModelInput.From(m.Features, m.Label)).ToList();
            var testIndex = Enumerable.Range(0, corpus.Count).Where(i => folds[i] == fold).ToList();
            var model = ModelPipeline.Create(ml, options).Fit(ml.Data.LoadFromEnumerable(train));
            var test = ml.Data.LoadFromEnumerable(testIndex.Select(i => ModelInput.From(corpus[i].Features, corpus[i].Label)));
            var scored = model.Transform(test);
            var names = default(VBuffer<ReadOnlyMemory<char>>);
            scored.Schema["Score"].GetSlotNames(ref names);
            var labels = names.DenseValues().Select(n => n.ToString()).ToArray();
            var rows = ml.Data.CreateEnumerable<ScoreRow>(scored, reuseRowObject: false).ToList();
            for (var k = 0; k < testIndex.Count; k++)
                result[testIndex[k]] = labels.Select((l, j) => (l, (double)rows[k].Score[j])).ToDictionary(x => x.l, x => x.Item2);
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
        var thresholds = new Dictionary<string, ClassThresholds>();
        foreach (var label in ContentLabels.Refusing)
        {
            var ranked = corpus.Select((m, i) => (P: probabilities[i][label], Positive: m.Label == label)).OrderByDescending(x => x.P).ToList();
            var refuse = Lowest(ranked, options.RefusePrecision, floor: 0.5);
            var review = Math.Min(Lowest(ranked, options.ReviewPrecision, floor: options.ReviewFloor), refuse);
            thresholds[label] = new ClassThresholds(Math.Round(refuse, 4), Math.Round(review, 4));
        }
        return thresholds;
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
        // The version names what made the model: the corpus, the settings, the seed and the features' layout.
        var made = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            $"{digest}|{JsonSerializer.Serialize(options)}|{seed}|{ModelInput.StructureLength}")));
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

    /// <summary>Writes <c>content-model.zip</c> and <c>content-model.json</c> into <paramref name="directory"/>.</summary>
    public static void Save(Trained trained, string directory)
    {
        Directory.CreateDirectory(directory);
        var zip = Path.Combine(directory, ContentModel.ModelFile);
        trained.Ml.Model.Save(trained.Model, trained.Schema, zip + ".tmp");
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
