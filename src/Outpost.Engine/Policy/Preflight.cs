using MimeKit;
using Outpost.Engine.Accounts;
using Outpost.Engine.Configuration;
using Outpost.Engine.Domains;
using Outpost.Smtp;

namespace Outpost.Engine.Policy;

/// <summary>
/// The pre-flight check (F2): runs a message through the same rules submission applies — size, plan,
/// sending DNS records, restriction, content — and adds the advice on spam folders, without queuing
/// anything or counting it towards bulk totals.
/// </summary>
public sealed class Preflight(OutpostOptions options, IAccountStore accounts, SendingGate gate, DomainDnsVerifier verifier,
    RestrictionService restrictions, ContentClassifier classifier)
{
    public async Task<PreflightReport> CheckAsync(Stream message, long size, string from, IReadOnlyList<string> to, CancellationToken cancellationToken = default)
    {
        var checks = new List<PreflightCheck>();
        var advice = new List<string>();
        SmtpReply? refusal = null;
        void Check(string name, SmtpReply? failed, string ok)
        {
            checks.Add(new PreflightCheck(name, failed is null, failed?.Text ?? ok));
            refusal ??= failed;
        }

        var sender = AddressParser.ParseAddress(from, out var senderError);
        if (sender is null)
            throw new ArgumentException($"The sender '{from}' is not an address: {senderError.Text}.");
        var recipients = new List<EmailAddress>();
        foreach (var r in to)
            recipients.Add(AddressParser.ParseAddress(r, out var error) ?? throw new ArgumentException($"The recipient '{r}' is not an address: {error.Text}."));

        Check("size", size > options.Smtp.MaxMessageSize ? SmtpReplies.MessageTooBig(options.Smtp.MaxMessageSize) : null,
            $"{size} bytes, within the {SmtpReplies.FormatSize(options.Smtp.MaxMessageSize)} limit");

        var external = new List<string>();
        foreach (var r in recipients)
            if (await accounts.GetDomainAsync(r.Domain, cancellationToken) is null)
                external.Add(r.Normalized);

        if (external.Count > 0)
        {
            Check("restriction", await restrictions.RefusalAsync(sender.Normalized, sender.Domain, cancellationToken), $"{sender.Normalized} is not restricted");
            Check("plan and DNS records", await gate.RefusalAsync(sender.Domain, cancellationToken), $"{sender.Domain} may send to external recipients");
            if (await gate.FreshRecordsNoteAsync(sender.Domain, cancellationToken) is { } note)
                advice.Add($"The domain: {note}; mail may land in spam until then.");
        }
        else
        {
            checks.Add(new PreflightCheck("internal", true, "every recipient is hosted here: delivered internally, with no plan, DNS or content rules"));
        }

        using var mime = await MimeMessage.LoadAsync(message, persistent: false, cancellationToken);
        var verdict = classifier.Classify(ContentExtractor.Extract(mime, size), external, explainAll: true);
        ClassResult? held = null;
        if (external.Count > 0 && verdict.Refusal is { } refused)
            Check("content", ContentReplies.Refusal(refused), "");
        else if (external.Count > 0 && verdict.Review is { } review)
        {
            held = review;
            checks.Add(new PreflightCheck("content", true, $"held for review: it looks like {review.Class.Code()} ({string.Join("; ", review.Signals)}); an operator would release or refuse it"));
        }
        else if (external.Count > 0)
            checks.Add(new PreflightCheck("content", true, verdict.BusinessEvidence.Count > 0
                ? $"reads as business mail ({string.Join("; ", verdict.BusinessEvidence)})"
                : "no refused class of content"));

        foreach (var result in verdict.Results.Where(r => r.Fired || r.Held))
            advice.Add($"The content: {result.Class.Sentence()} ({string.Join("; ", result.Signals)}).");
        foreach (var result in verdict.Results.Where(r => !r.Fired && !r.Held && r.Class.Refuses() && r.Class != ContentClass.BulkDuplicate && r.Score >= 0.2))
            advice.Add($"The content has some marks of {result.Class.Code()} ({string.Join("; ", result.Signals)}); receivers may treat it so.");
        if (external.Count > 0 && (await verifier.ReportAsync(sender.Domain, cancellationToken)).Records.Any(r => r.Kind == RecordKind.Dmarc && r.Found?.Contains("p=none", StringComparison.OrdinalIgnoreCase) == true))
            advice.Add("The domain: its DMARC policy is p=none; once mail flows well, p=quarantine tells receivers your domain is protected.");

        var wouldSend = refusal is null;
        var sentence = !wouldSend ? $"The message would be refused: {refusal!.Value}"
            : held is not null ? $"The message would be accepted and held for review: it looks like {held.Class.Code()}."
            : "The message would be accepted.";
        return new PreflightReport(wouldSend, sentence, checks, verdict.Results, advice)
        {
            Decision = !wouldSend ? "refuse" : held is not null ? "review" : "pass",
            Model = verdict.Model,
            Probabilities = verdict.Probabilities,
        };
    }
}
