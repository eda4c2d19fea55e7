using MimeKit;
using Outpost.Engine.Configuration;
using Outpost.Engine.Policy.Model;

namespace Outpost.Engine.Policy;

/// <summary>
/// Decides what a message bound for external recipients may do under "business mail only" (R1, F2).
/// The trained content model gives a probability per class; its thresholds refuse (marketing,
/// verification code, prohibited), hold for an operator's review when less sure, or pass; each verdict
/// names its strongest evidence. Bulk duplicates (the same content to too many external mailboxes,
/// across senders) refuse on their own count, and test mails earn a note.
/// Talks to: the content model (loaded once), the bulk tracker (counts stored in the database).
/// Security: the model reads at most <see cref="FeatureBuilder.MaxModelText"/> characters of decoded
/// text, so a hostile 25 MB message costs no more than a long one; the evidence quoted back to a sender
/// is made of the sender's own words and the model's feature names.
/// </summary>
public sealed class ContentClassifier
{
    readonly ContentModel _model;
    readonly FeatureBuilder _features;
    readonly BulkTracker _bulk;
    readonly PolicyOptions _options;
    readonly TestMailCheck _testMail = new();
    readonly ModelManifest _manifest;

    public ContentClassifier(PolicyOptions options, BulkTracker bulk, ContentModel model)
    {
        _options = options;
        _bulk = bulk;
        _model = model;
        _features = FeatureBuilder.Create(options.PhrasesDirectory);
        _manifest = WithOverrides(model.Manifest, options.Thresholds);
    }

    /// <summary>The model's manifest with the operator's thresholds in place of its own.</summary>
    static ModelManifest WithOverrides(ModelManifest manifest, Dictionary<string, ThresholdOverride> overrides)
    {
        if (overrides.Count == 0)
            return manifest;
        var thresholds = new Dictionary<string, ClassThresholds>(manifest.Thresholds);
        foreach (var (label, o) in overrides)
        {
            if (!thresholds.TryGetValue(label, out var t))
                throw new InvalidOperationException($"Policy:Thresholds:{label} names no refusing class; the classes are {string.Join(", ", ContentLabels.Refusing)}.");
            thresholds[label] = new ClassThresholds(o.Refuse ?? t.Refuse, Math.Min(o.Review ?? t.Review, o.Refuse ?? t.Refuse));
        }
        return manifest with { Thresholds = thresholds };
    }

    /// <summary>The thresholds in force: the model's, or the operator's where configured.</summary>
    public IReadOnlyDictionary<string, ClassThresholds> Thresholds => _manifest.Thresholds;

    public ContentModel Model => _model;

    public ContentVerdict Classify(MimeMessage message, long size, IReadOnlyCollection<string> externalRecipients) =>
        Classify(ContentExtractor.Extract(message, size), externalRecipients);

    /// <param name="explainAll">Name the evidence of every class (the pre-flight check); otherwise only of the class that decides.</param>
    public ContentVerdict Classify(MessageContent content, IReadOnlyCollection<string> externalRecipients, bool explainAll = false)
    {
        var features = _features.Build(content);
        var prediction = _model.Predict(features);
        var decision = ModelDecision.Decide(prediction.Probabilities, _manifest);

        var results = new List<ClassResult>(5);
        foreach (var label in ContentLabels.Refusing)
        {
            var cls = ContentClassNames.Parse(label)!.Value; // the model's labels are the classes' codes
            var p = prediction.Probabilities[label];
            var decides = decision.Action != ContentAction.Pass && decision.Label == label;
            var review = _manifest.Thresholds[label].Review;
            var signals = decides || explainAll && p >= Math.Min(review, 0.2) ? _model.Explain(prediction, features, label) : [];
            results.Add(new ClassResult(cls, decides && decision.Action == ContentAction.Refuse, Math.Round(p, 4), signals,
                Held: decides && decision.Action == ContentAction.Review));
        }

        var fingerprint = SimHash.ComputeLower(content.Lower, out var shingles);
        var bulkSignals = new List<string>();
        var bulk = false;
        if (shingles >= _options.BulkMinimumFeatures && externalRecipients.Count > 0)
        {
            var count = _bulk.Count(fingerprint, externalRecipients);
            bulkSignals.Add($"near-identical content to {count} external mailboxes in {_options.BulkWindow.TotalHours:0.#} h");
            bulk = count > _options.BulkRecipients;
        }
        results.Add(new ClassResult(ContentClass.BulkDuplicate, bulk, bulk ? 1 : 0, bulkSignals));

        var rule = _testMail.Check(content);
        var testMail = decision.TestMail || rule.Fired;
        var testSignals = rule.Signals.Count > 0 ? rule.Signals
            : testMail ? _model.Explain(prediction, features, ContentLabels.TestMail) : [];
        results.Add(new ClassResult(ContentClass.TestMail, testMail, Math.Round(prediction.Probabilities[ContentLabels.TestMail], 4), testSignals));

        return new ContentVerdict(results, fingerprint)
        {
            Model = _model.Manifest.Version,
            Probabilities = prediction.Probabilities.ToDictionary(p => p.Key, p => Math.Round(p.Value, 4)),
            BusinessEvidence = explainAll && decision.Action == ContentAction.Pass && decision.Label == ContentLabels.Business
                ? _model.Explain(prediction, features, ContentLabels.Business) : [],
        };
    }

    /// <summary>Counts an accepted message's external recipients towards its content's bulk total.</summary>
    public void Accepted(ContentVerdict verdict, IReadOnlyCollection<string> externalRecipients) => _bulk.Add(verdict.Fingerprint, externalRecipients);
}
