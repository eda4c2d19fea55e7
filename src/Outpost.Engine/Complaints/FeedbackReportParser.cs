using System.Text.RegularExpressions;
using MimeKit;
using MimeKit.Utils;
using Outpost.Engine.Queue;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Complaints;

/// <summary>
/// Reads what arrived at a feedback address. An ARF report (RFC 5965): a multipart/report with
/// report-type=feedback-report whose message/feedback-report part carries Feedback-Type, User-Agent,
/// Version, Original-Mail-From, Original-Rcpt-To, Arrival-Date, Reported-Domain, Source-IP, and whose third
/// part is the original as message/rfc822 or its headers as text/rfc822-headers (base64 encoded too, which
/// some providers send). Also a report nested in a forward, one without its third part, and the redacted
/// forms. Otherwise a person's forward: the original attached, or quoted inline (<see cref="InlineForward"/>).
/// Limits: the bytes are the caller's (bounded); MIME nesting <see cref="MaxDepth"/>, parts
/// <see cref="MaxParts"/>, field values <see cref="MaxValue"/> characters. Never throws for bad input:
/// a report it cannot read comes back with the sentence why.
/// </summary>
public static partial class FeedbackReportParser
{
    public const int MaxDepth = 6;
    public const int MaxParts = 200;
    public const int MaxValue = 998;
    const int MaxValuesPerField = 20;

    static readonly ParserOptions Options = new() { MaxMimeDepth = MaxDepth * 2 };

    public static FeedbackReport Parse(byte[] raw, bool truncated = false)
    {
        MimeMessage message;
        try
        {
            using var stream = new MemoryStream(raw, writable: false);
            message = MimeMessage.Load(Options, stream);
        }
        catch (FormatException e)
        {
            return FeedbackReport.Unreadable($"The report is not a mail message: {e.Message}");
        }
        var reporter = message.From.Mailboxes.FirstOrDefault()?.Address?.ToLowerInvariant();
        var budget = new Budget();

        if (FindReport(message.Body, 0, budget) is { } report)
            return ReadArf(report, reporter, truncated);
        if (message.Body is MessageFeedbackReport bare)
            return ReadArf(new ArfParts(bare, null, null), reporter, truncated);
        if (FindReportType(message.Body, 0, new Budget()) is { } reportType)
            return FeedbackReport.Unreadable(reportType switch
            {
                "feedback-report" => "The report says it is a feedback report but has no message/feedback-report part.",
                "delivery-status" => "This is a delivery status notification (a bounce), not a complaint.",
                "disposition-notification" => "This is a read receipt, not a complaint.",
                _ => $"This is a report of type {Shorten(reportType, 64)}, not a feedback report.",
            }) with { Reporter = reporter };

        // A person's forward: the original attached, or quoted in the text.
        var text = FirstText(message.Body, 0, new Budget());
        if (FindOriginal(message.Body, 0, new Budget()) is { } attached)
        {
            var comment = text is null ? null : InlineForward.Read(text).Comment ?? Comment(text);
            return new FeedbackReport(ReportKinds.Forwarded) { Reporter = reporter, Original = attached, Comment = comment, FeedbackType = FeedbackTypes.Abuse };
        }
        if (text is not null && InlineForward.Read(text) is { Original: { } quoted } inline)
            return new FeedbackReport(ReportKinds.Forwarded) { Reporter = reporter, Original = quoted, Comment = inline.Comment, FeedbackType = FeedbackTypes.Abuse };
        return FeedbackReport.Unreadable(truncated
            ? "The report is neither a feedback report (RFC 5965) nor a forwarded message in the part that was kept; it was cut to the size limit."
            : "The message is neither a feedback report (RFC 5965) nor a forwarded message: it carries no original message, attached or quoted.") with { Reporter = reporter };
    }

    /// <summary>A queue id from an X-Outpost-Id value, or null when the value cannot be one.</summary>
    public static string? QueueIdFrom(string value)
    {
        var id = value.Trim().Trim('<', '>').Trim().ToUpperInvariant();
        return QueueId.IsValid(id) ? id : null;
    }

    sealed record ArfParts(MimeEntity Feedback, MimeEntity? Original, TextPart? Human);

    sealed class Budget
    {
        int _parts;
        public bool Spend() => ++_parts <= MaxParts;
    }

    /// <summary>The first multipart that holds a message/feedback-report part, anywhere (a report may come forwarded).</summary>
    static ArfParts? FindReport(MimeEntity? entity, int depth, Budget budget)
    {
        if (entity is null || depth > MaxDepth || !budget.Spend())
            return null;
        switch (entity)
        {
            case Multipart multipart:
                var feedback = multipart.FirstOrDefault(IsFeedbackPart);
                if (feedback is not null)
                    return new ArfParts(feedback, multipart.FirstOrDefault(p => p != feedback && IsOriginalPart(p)), multipart.OfType<TextPart>().FirstOrDefault());
                foreach (var child in multipart)
                    if (FindReport(child, depth + 1, budget) is { } found)
                        return found;
                return null;
            case MessagePart { Message: { } inner } when entity is not TextRfc822Headers:
                return FindReport(inner.Body, depth + 1, budget);
            default:
                return null;
        }
    }

    static string? FindReportType(MimeEntity? entity, int depth, Budget budget)
    {
        if (entity is null || depth > MaxDepth || !budget.Spend())
            return null;
        if (entity is Multipart multipart)
        {
            if (multipart.ContentType.IsMimeType("multipart", "report"))
                return (multipart.ContentType.Parameters["report-type"] ?? "").Trim().ToLowerInvariant();
            foreach (var child in multipart)
                if (FindReportType(child, depth + 1, budget) is { } type)
                    return type;
        }
        return null;
    }

    static bool IsFeedbackPart(MimeEntity e) => e is MessageFeedbackReport || e.ContentType.IsMimeType("message", "feedback-report");

    static bool IsOriginalPart(MimeEntity e) =>
        e is MessagePart || e.ContentType.IsMimeType("message", "rfc822") || e.ContentType.IsMimeType("text", "rfc822-headers")
        || e.ContentType.IsMimeType("message", "global") || e.ContentType.IsMimeType("message", "global-headers");

    static FeedbackReport ReadArf(ArfParts parts, string? reporter, bool truncated)
    {
        var fields = FieldsOf(parts.Feedback);
        string? One(string name) => fields.TryGetValue(name, out var values) ? values[0] : null;
        var type = One("feedback-type")?.ToLowerInvariant();
        var original = parts.Original is null ? null : Original(parts.Original);
        var report = new FeedbackReport(ReportKinds.Arf)
        {
            Reporter = reporter,
            FeedbackType = type,
            UserAgent = One("user-agent"),
            Version = One("version"),
            ReportingMta = One("reporting-mta"),
            SourceIp = One("source-ip"),
            ReportedDomain = One("reported-domain")?.ToLowerInvariant(),
            OriginalMailFrom = ReportAddresses.First(One("original-mail-from")),
            OriginalRcptTo = fields.TryGetValue("original-rcpt-to", out var rcpts) ? rcpts.SelectMany(ReportAddresses.All).Distinct().ToList() : [],
            ArrivalDate = Date(One("arrival-date") ?? One("received-date")),
            Original = original,
            Comment = parts.Human is { } human ? Comment(human.Text) : null,
        };
        if (fields.Count == 0)
            return report with { Problem = "The feedback report's machine-readable part (message/feedback-report) is empty or cannot be read." };
        if (type is null)
            return report with { Problem = "The feedback report has no Feedback-Type field (RFC 5965 §3.1), so it is not known what was reported." };
        if (original is null && parts.Original is not null)
            return report with { Problem = truncated ? "The report's copy of the original message was cut to the size limit and cannot be read." : "The report's copy of the original message cannot be read." };
        return report;
    }

    /// <summary>The machine-readable fields, by lower-case name, values unfolded and shortened; at most 20 per field.</summary>
    static Dictionary<string, List<string>> FieldsOf(MimeEntity part)
    {
        var fields = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        HeaderList? headers = null;
        if (part is MessageFeedbackReport report)
            headers = report.Fields;
        else if (part is MimePart { Content: { } content })
        {
            // A part MimeKit did not take as a report (an unusual encoding): decode it and read it as fields.
            using var decoded = new MemoryStream();
            content.DecodeTo(decoded);
            decoded.Position = 0;
            try
            {
                headers = HeaderList.Load(Options, decoded);
            }
            catch (FormatException)
            {
                return fields;
            }
        }
        if (headers is null)
            return fields;
        foreach (var header in headers.Take(200))
        {
            var name = header.Field.ToLowerInvariant();
            if (!fields.TryGetValue(name, out var values))
                fields[name] = values = [];
            if (values.Count < MaxValuesPerField)
                values.Add(Shorten(Unfold(header.Value), MaxValue));
        }
        return fields;
    }

    /// <summary>What a part shows of the original: a parsed message, headers only, or an encoded copy decoded here.</summary>
    static ReportedMessage? Original(MimeEntity part)
    {
        if (part is MessagePart { Message: { } message })
            return Describe(message);
        if (part is MimePart { Content: { } content })
        {
            using var decoded = new MemoryStream();
            content.DecodeTo(decoded);
            decoded.Position = 0;
            try
            {
                return Describe(MimeMessage.Load(Options, decoded));
            }
            catch (FormatException)
            {
                return null;
            }
        }
        return null;
    }

    static ReportedMessage? FindOriginal(MimeEntity? entity, int depth, Budget budget)
    {
        if (entity is null || depth > MaxDepth || !budget.Spend())
            return null;
        if (IsOriginalPart(entity))
            return Original(entity);
        if (entity is Multipart multipart)
            foreach (var child in multipart)
                if (FindOriginal(child, depth + 1, budget) is { } found)
                    return found;
        return null;
    }

    static ReportedMessage? Describe(MimeMessage message)
    {
        var headers = message.Headers;
        if (headers.Count == 0)
            return null;
        var queueId = headers[QueueId.Header] is { } stamped ? QueueIdFrom(stamped) : null;
        // Our own trace header names the queue id too, for a receiver that dropped X-Outpost-Id.
        if (queueId is null)
            foreach (var received in headers.Where(h => h.Id == HeaderId.Received).Take(50))
                if (OurReceived().Match(Unfold(received.Value)) is { Success: true } m)
                {
                    queueId = m.Groups[1].Value;
                    break;
                }
        var recipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => m.Address?.ToLowerInvariant()).OfType<string>()
            .Where(a => a.Contains('@') && a.Length <= ReportAddresses.MaxLength).Distinct().Take(50).ToList();
        if (recipients.Count == 0)
            recipients = ReportAddresses.All(headers[HeaderId.To]).ToList();
        return new ReportedMessage(
            queueId,
            headers[HeaderId.MessageId] is { } id ? MessageIdValue.Parse(id) : null,
            message.From.Mailboxes.FirstOrDefault()?.Address?.ToLowerInvariant() ?? ReportAddresses.First(headers[HeaderId.From]),
            recipients,
            headers.Contains(HeaderId.Date) ? Date(headers[HeaderId.Date]) : null,
            message.Subject is { } subject ? Shorten(subject, MaxValue) : null);
    }

    static string? FirstText(MimeEntity? entity, int depth, Budget budget)
    {
        if (entity is null || depth > MaxDepth || !budget.Spend())
            return null;
        switch (entity)
        {
            case TextPart { IsPlain: true } plain:
                return plain.Text;
            case Multipart multipart:
                foreach (var child in multipart)
                    if (FirstText(child, depth + 1, budget) is { } text)
                        return text;
                // Mail written in HTML only: its text, tags dropped, is good enough to find the quoted fields.
                return multipart.OfType<TextPart>().FirstOrDefault(p => p.IsHtml) is { } inHtml ? TextOf(inHtml) : null;
            case TextPart { IsHtml: true } html:
                return TextOf(html);
            default:
                return null;
        }
    }

    /// <summary>The text of an HTML part, a line per block; blank lines dropped, since markup leaves them between every quoted field.</summary>
    static string TextOf(TextPart html)
    {
        var text = System.Net.WebUtility.HtmlDecode(Tags().Replace(Breaks().Replace(html.Text, "\n$0"), ""));
        return string.Join('\n', text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0));
    }

    static DateTimeOffset? Date(string? value) =>
        value is not null && DateUtils.TryParse(value, out var date) ? date : null;

    static string Comment(string text)
    {
        var collapsed = Spaces().Replace(text.Length > 4096 ? text[..4096] : text, " ").Trim();
        return Shorten(collapsed, InlineForward.MaxComment);
    }

    static string Unfold(string value) => Spaces().Replace(value, " ").Trim();

    static string Shorten(string text, int max) => text.Length <= max ? text : text[..max];

    [GeneratedRegex(@"\(Outpost\) with \S+ id ([0-9A-HJKMNP-TV-Z]{16})\b", RegexOptions.CultureInvariant)]
    private static partial Regex OurReceived();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex("<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex("<(br|/p|/div|/tr)\\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Breaks();
}
