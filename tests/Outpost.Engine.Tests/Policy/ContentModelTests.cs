using System.Text;
using MimeKit;
using Outpost.Engine.Configuration;
using Outpost.Engine.Policy;
using Outpost.Engine.Policy.Model;

namespace Outpost.Engine.Tests.Policy;

/// <summary>The shipped model on messages written here (none is in any corpus), the explanations it gives, and training's determinism.</summary>
public sealed class ContentModelTests
{
    static ContentVerdict Classify(MimeMessage message) =>
        new ContentClassifier(new PolicyOptions(), new BulkTracker(new PolicyOptions(), TimeProvider.System, new NoBulkStore(), Microsoft.Extensions.Logging.Abstractions.NullLogger<BulkTracker>.Instance), TestModel.Shipped)
            .Classify(ContentExtractor.Extract(message, 1000), ["someone@remote.test"], explainAll: true);

    static ContentModelTests() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    static MimeMessage Message(string subject, string text, string charset = "utf-8", string subtype = "plain")
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("sender@example.com"));
        message.To.Add(MailboxAddress.Parse("someone@remote.test"));
        message.Subject = subject;
        var part = new TextPart(subtype);
        part.SetText(Encoding.GetEncoding(charset), text);
        part.ContentTransferEncoding = ContentEncoding.Base64;
        message.Body = part;
        return message;
    }

    [Fact]
    public void A_one_time_code_in_gbk_is_refused_and_the_code_is_named()
    {
        var verdict = Classify(Message("【云途科技】登录验证", "【云途科技】您的登录验证码为 730416，10分钟内有效。如非本人操作，请忽略本短信，切勿将验证码告知他人。", "gbk"));
        var refusal = verdict.Refusal;
        Assert.True(refusal is not null, string.Join(", ", verdict.Probabilities) + " | " + string.Join("; ", verdict.Results.SelectMany(r => r.Signals)));
        Assert.Equal(ContentClass.VerificationCode, refusal.Class);
        Assert.Contains(refusal.Signals, s => s.Contains("730416", StringComparison.Ordinal));
    }

    [Fact]
    public void An_ordinary_reply_about_an_invoice_passes_and_reads_as_business()
    {
        var verdict = Classify(Message("Re: Rechnung 2026-0412",
            "Hallo Frau Berger,\n\nvielen Dank für den Hinweis. Die Rechnung 2026-0412 über 1.480,00 € haben wir korrigiert; die neue Fassung hängt an. " +
            "Den Liefertermin für die zweite Charge verschieben wir wie besprochen auf den 14. Januar.\n\nViele Grüße\nJonas Feld\nFeld Metallbau GmbH\n\n" +
            "> Am 2. Dezember schrieb Anna Berger:\n> in der Rechnung fehlt die zweite Position."));
        Assert.Null(verdict.Refusal);
        Assert.Null(verdict.Review);
        Assert.True(verdict.Probabilities[ContentLabels.Business] > 0.5, string.Join(", ", verdict.Probabilities));
        Assert.NotEmpty(verdict.BusinessEvidence);
    }

    [Fact]
    public void A_blunt_pharmacy_spam_is_refused_as_prohibited_with_its_words_as_evidence()
    {
        var verdict = Classify(Message("V1agra & Xanax - no prescription needed!!",
            "Cheap pharmacy online: V1agra 100mg from $0.79, Xanax, Tramadol, Oxycodone - NO PRESCRIPTION needed, discreet shipping worldwide, pay with bitcoin. Order now: http://rx-cheap.example/shop"));
        Assert.Equal(ContentClass.Prohibited, verdict.Refusal?.Class);
        Assert.NotEmpty(verdict.Refusal!.Signals);
    }

    [Fact]
    public void Training_is_deterministic_for_a_seed()
    {
        var all = CorpusReader.Read([Path.Combine(TestModel.RepositoryRoot, "corpus", "seed")], FeatureBuilder.Create(null));
        var options = new TrainingOptions { Folds = 2, Iterations = 30 };
        var a = new ModelTrainer(options, seed: 7).Train(all).Runtime();
        var b = new ModelTrainer(options, seed: 7).Train(all).Runtime();
        foreach (var m in all.Take(10))
            Assert.Equal(a.Predict(m.Features).Probabilities, b.Predict(m.Features).Probabilities);
        Assert.Equal(a.Manifest.Thresholds, b.Manifest.Thresholds);
        Assert.Equal(a.Manifest.CorpusDigest, b.Manifest.CorpusDigest);
    }

    [Fact]
    public void A_model_saved_and_loaded_predicts_the_same()
    {
        using var dir = new TempDirectory();
        var all = CorpusReader.Read([Path.Combine(TestModel.RepositoryRoot, "corpus", "seed")], FeatureBuilder.Create(null));
        var trained = new ModelTrainer(new TrainingOptions { Folds = 2, Iterations = 30 }).Train(all);
        ModelTrainer.Save(trained, dir.Path);
        var loaded = ContentModel.Load(dir.Path);
        Assert.Equal(dir.Path + "/" + ContentModel.ModelFile, loaded.Source);
        Assert.Equal(trained.Manifest.Version, loaded.Manifest.Version);
        var m = all[0].Features;
        Assert.Equal(trained.Runtime().Predict(m).Probabilities, loaded.Predict(m).Probabilities);
    }

    [Fact]
    public void The_scorer_computes_what_mlnet_predicts_from_the_same_weights()
    {
        var all = CorpusReader.Read([Path.Combine(TestModel.RepositoryRoot, "corpus", "seed")], FeatureBuilder.Create(null));
        var ml = new Microsoft.ML.MLContext(3);
        var (model, _, scorer) = ModelPipeline.Fit(ml, new TrainingOptions { Iterations = 40 }, all.Select(m => (m.Features, m.Label)).ToList());
        var length = scorer.Vocabulary.Count + ModelInput.StructureLength;
        var rows = all.Select(m => new TrainingRow { Features = FeatureVector.Build(m.Features, scorer.Vocabulary).ToVBuffer(), Label = m.Label }).ToList();
        var scored = model.Transform(ModelPipeline.Data(ml, rows, length));
        var expected = ml.Data.CreateEnumerable<ScoreRow>(scored, reuseRowObject: false).Select(r => r.Score).ToList();
        for (var i = 0; i < all.Count; i++)
        {
            var ours = scorer.Probabilities(FeatureVector.Build(all[i].Features, scorer.Vocabulary));
            var theirs = expected[i];
            for (var c = 0; c < ours.Length; c++)
                Assert.Equal(theirs[c], ours[c], 4);
        }
        // Not trivially equal: the model tells the classes apart.
        Assert.Contains(expected, e => e.Max() > 0.5);
    }

    [Fact]
    public void A_model_with_another_feature_layout_is_refused_when_it_is_loaded()
    {
        using var dir = new TempDirectory();
        var all = CorpusReader.Read([Path.Combine(TestModel.RepositoryRoot, "corpus", "seed")], FeatureBuilder.Create(null));
        ModelTrainer.Save(new ModelTrainer(new TrainingOptions { Folds = 2, Iterations = 5 }).Train(all), dir.Path);
        // The vocabulary says one structural feature fewer, as an older Outpost would have written it.
        var zip = Path.Combine(dir.Path, ContentModel.ModelFile);
        using (var archive = System.IO.Compression.ZipFile.Open(zip, System.IO.Compression.ZipArchiveMode.Update))
        {
            var entry = archive.GetEntry(ContentModel.VocabularyEntry)!;
            string text;
            using (var reader = new StreamReader(entry.Open()))
                text = reader.ReadToEnd();
            entry.Delete();
            using var writer = new StreamWriter(archive.CreateEntry(ContentModel.VocabularyEntry).Open());
            writer.Write(text.Replace($"{ModelInput.StructureLength} structural features", $"{ModelInput.StructureLength - 1} structural features"));
        }
        var error = Assert.Throws<InvalidDataException>(() => ContentModel.Load(dir.Path));
        Assert.Contains("retrain it with `outpost policy train`", error.Message);
    }

    [Fact]
    public void A_model_file_of_an_older_outpost_is_refused_with_a_sentence()
    {
        using var dir = new TempDirectory();
        // An ML.NET zip alone, as Outpost wrote it before the vocabulary was its own.
        using (var archive = System.IO.Compression.ZipFile.Open(Path.Combine(dir.Path, ContentModel.ModelFile), System.IO.Compression.ZipArchiveMode.Create))
            archive.CreateEntry("TransformerChain/Model.key");
        File.WriteAllText(Path.Combine(dir.Path, ContentModel.ManifestFile), System.Text.Json.JsonSerializer.Serialize(TestModel.Shipped.Manifest, ModelManifest.Json));
        var error = Assert.Throws<InvalidDataException>(() => ContentModel.Load(dir.Path));
        Assert.Contains("made by an older Outpost", error.Message);
    }

    sealed class ScoreRow
    {
        public float[] Score { get; set; } = [];
    }

    sealed class NoBulkStore : IBulkStore
    {
        public Task<IReadOnlyList<(ulong Fingerprint, string Recipient, DateTimeOffset SeenAt)>> LoadAsync(DateTimeOffset since, CancellationToken cancellationToken = default) =>
            Task.FromResult<IReadOnlyList<(ulong, string, DateTimeOffset)>>([]);

        public Task AddAsync(IReadOnlyList<(ulong Fingerprint, string Recipient, DateTimeOffset SeenAt)> rows, DateTimeOffset pruneBefore, CancellationToken cancellationToken = default) =>
            Task.CompletedTask;
    }
}
