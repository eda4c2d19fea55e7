using MimeKit;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Policy;

/// <summary>
/// Runs every content check on a message bound for external recipients (R1, F2): marketing,
/// verification code, prohibited content, bulk duplicates, test mail. The phrase lists are data files;
/// the thresholds are configuration.
/// </summary>
public sealed class ContentClassifier
{
    readonly IContentCheck[] _checks;
    readonly BulkTracker _bulk;
    readonly PolicyOptions _options;

    public ContentClassifier(PolicyOptions options, BulkTracker bulk)
    {
        _options = options;
        _bulk = bulk;
        _checks = Checks(options);
    }

    /// <summary>The phrase and shape checks, in the order their results are reported (bulk duplicates are added beside them).</summary>
    public static IContentCheck[] Checks(PolicyOptions options)
    {
        var dir = options.PhrasesDirectory;
        return
        [
            new ProhibitedCheck(PhraseList.Load("prohibited.txt", dir)),
            new VerificationCodeCheck(PhraseList.Load("verification-code.txt", dir), options),
            new MarketingCheck(PhraseList.Load("marketing.txt", dir), PhraseList.Load("unsubscribe.txt", dir), options),
            new TestMailCheck(),
        ];
    }

    public ContentVerdict Classify(MimeMessage message, long size, IReadOnlyCollection<string> externalRecipients) =>
        Classify(ContentExtractor.Extract(message, size), externalRecipients);

    public ContentVerdict Classify(MessageContent content, IReadOnlyCollection<string> externalRecipients)
    {
        var results = _checks.Select(c => c.Check(content)).ToList();
        var fingerprint = SimHash.ComputeLower(content.Lower, out var features);
        var bulkSignals = new List<string>();
        var fired = false;
        if (features >= _options.BulkMinimumFeatures && externalRecipients.Count > 0)
        {
            var count = _bulk.Count(fingerprint, externalRecipients);
            bulkSignals.Add($"near-identical content to {count} external mailboxes in {_options.BulkWindow.TotalHours:0.#} h");
            fired = count > _options.BulkRecipients;
        }
        results.Insert(results.Count - 1, new ClassResult(ContentClass.BulkDuplicate, fired, fired ? 1 : 0, bulkSignals));
        return new ContentVerdict(results, fingerprint);
    }

    /// <summary>Counts an accepted message's external recipients towards its content's bulk total.</summary>
    public void Accepted(ContentVerdict verdict, IReadOnlyCollection<string> externalRecipients) => _bulk.Add(verdict.Fingerprint, externalRecipients);
}
