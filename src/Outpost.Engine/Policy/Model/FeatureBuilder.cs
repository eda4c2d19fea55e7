using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace Outpost.Engine.Policy.Model;

/// <summary>
/// Turns a message's decoded content into what the content model reads: its words and its characters
/// as two normalised texts (the model cuts them into word n-grams and character trigrams), and the
/// structural features of <see cref="StructureFeature"/>.
/// Normalisation replaces what varies from mail to mail by its shape, so that the model learns the
/// shape and not the instance: a link becomes <c>urltok</c>, a price <c>moneytok</c>, "30 %" <c>pcttok</c>,
/// a six-digit number <c>dig6tok</c>, "482 193" <c>codegrouptok</c>, "K7XQ2M" <c>alnumtok</c>; Chinese
/// characters stand apart in the word text, so its word n-grams are character uni- and bigrams; the
/// subject's words follow once more, marked <c>sbj</c>.
/// Pure and thread-safe; the phrase lists are features here, never the decision.
/// </summary>
public sealed partial class FeatureBuilder(PhraseList prohibited, PhraseList promotional, PhraseList unsubscribe, PhraseList codeWording)
{
    /// <summary>
    /// How much normalised text the model reads: what decides a class (an offer, a code, a price list)
    /// stands in the first few thousand characters of the mail people read, and the cost per message
    /// stays flat for long ones.
    /// </summary>
    public const int MaxModelText = 8_000;

    /// <summary>How near (in characters) a code must stand to code wording to count as "next to" it.</summary>
    const int Nearness = 80;

    public static readonly int StructureCount = Enum.GetValues<StructureFeature>().Length;

    /// <summary>The feature builder over the shipped phrase lists, or those of <c>Policy:PhrasesDirectory</c>.</summary>
    public static FeatureBuilder Create(string? phrasesDirectory) => new(
        PhraseList.Load("prohibited.txt", phrasesDirectory),
        PhraseList.Load("marketing.txt", phrasesDirectory),
        PhraseList.Load("unsubscribe.txt", phrasesDirectory),
        PhraseList.Load("verification-code.txt", phrasesDirectory));

    public MessageFeatures Build(MessageContent content)
    {
        var lower = content.Lower;
        var source = lower.Length > MaxModelText ? lower[..MaxModelText] : lower;
        var codes = new List<(int Position, string Value, string Shape)>();
        int money = 0, percent = 0;
        var normalised = Shapes().Replace(source, m =>
        {
            if (m.Groups["url"].Success) return " urltok ";
            if (m.Groups["email"].Success) return " emailtok ";
            if (m.Groups["money"].Success) { money++; return " moneytok "; }
            if (m.Groups["pct"].Success) { percent++; return " pcttok "; }
            if (m.Groups["date"].Success) return " datetok ";
            if (m.Groups["time"].Success) return " timetok ";
            if (m.Groups["group"].Success)
            {
                var digits = m.Value.Count(char.IsAsciiDigit);
                if (digits is >= 6 and <= 8 && m.Value.Length <= 11)
                {
                    codes.Add((m.Index, m.Value, $"a {digits}-digit code"));
                    return " codegrouptok ";
                }
                return " numgrouptok ";
            }
            if (m.Groups["alnum"].Success)
            {
                codes.Add((m.Index, m.Value, "a code of letters and digits"));
                return " alnumtok ";
            }
            var length = m.Value.Length;
            if (length <= 3) return " numtok ";
            if (length == 4 && m.Value[0] is '1' or '2' && int.Parse(m.Value, CultureInfo.InvariantCulture) is >= 1900 and <= 2100) return " yeartok ";
            if (length <= 8)
            {
                codes.Add((m.Index, m.Value, $"a {length}-digit code"));
                return length switch { 4 => " dig4tok ", 5 => " dig5tok ", 6 => " dig6tok ", 7 => " dig7tok ", _ => " dig8tok " };
            }
            return " longnumtok ";
        });

        var words = new StringBuilder(normalised.Length + 64);
        var chars = new StringBuilder(normalised.Length);
        var space = true;
        foreach (var c in normalised)
        {
            if (char.IsLetterOrDigit(c))
            {
                if (c >= PhraseText.Cjk)
                {
                    if (!space) words.Append(' ');
                    words.Append(c).Append(' ');
                    space = true;
                }
                else
                {
                    words.Append(c);
                    space = false;
                }
                chars.Append(c);
            }
            else if (!space || chars.Length > 0 && chars[^1] != ' ')
            {
                if (!space) words.Append(' ');
                if (chars.Length > 0 && chars[^1] != ' ') chars.Append(' ');
                space = true;
            }
        }

        var structure = new float[StructureCount];
        var evidence = new string?[StructureCount];
        void Set(StructureFeature f, float value, string? why)
        {
            structure[(int)f] = value;
            if (value > 0)
                evidence[(int)f] = why;
        }

        var headers = content.Headers;
        var shape = content.Shape;
        Set(StructureFeature.ListUnsubscribe, headers.ContainsKey("List-Unsubscribe") ? 1 : 0, "a List-Unsubscribe header");
        Set(StructureFeature.ListId, headers.ContainsKey("List-Id") ? 1 : 0, "a List-Id header");
        var precedence = headers.TryGetValue("Precedence", out var p) ? p.Trim().ToLowerInvariant() : "";
        Set(StructureFeature.PrecedenceBulk, precedence is "bulk" or "list" or "junk" ? 1 : 0, $"Precedence: {precedence}");
        Set(StructureFeature.FeedbackId, headers.ContainsKey("Feedback-ID") ? 1 : 0, "a Feedback-ID header (a bulk sender's)");
        Set(StructureFeature.Links, Math.Min(content.Links, 20) / 20f, $"{content.Links} links");
        Set(StructureFeature.LinkDomains, Math.Min(shape.LinkDomains, 10) / 10f, $"links to {shape.LinkDomains} sites");
        Set(StructureFeature.Images, Math.Min(content.Images, 10) / 10f, $"{content.Images} images");
        Set(StructureFeature.TrackingPixel, content.TrackingPixels > 0 ? 1 : 0, "a tracking pixel");
        Set(StructureFeature.HtmlOnly, shape.HasHtml && !shape.HasPlain ? 1 : 0, "HTML without a text version");
        var text = Math.Max(content.Text.Length, 1);
        Set(StructureFeature.MarkupShare, shape.HtmlLength > 0 ? Math.Clamp(1f - (float)text / shape.HtmlLength, 0, 1) : 0, "mostly markup and little text");
        Set(StructureFeature.LinkTextShare, Math.Clamp((float)shape.LinkTextLength / text * 4, 0, 1), "much of the text in links");
        Set(StructureFeature.MoneyAmounts, Math.Min(money, 5) / 5f, money == 1 ? "a price" : $"{money} prices");
        Set(StructureFeature.PercentOff, Math.Min(percent, 3) / 3f, percent == 1 ? "a percentage" : $"{percent} percentages");
        Set(StructureFeature.CodeTokens, Math.Min(codes.Count, 3) / 3f, codes.Count == 1 ? $"{codes[0].Shape} ({codes[0].Value.Trim()})" : $"{codes.Count} code-shaped numbers");

        var near = NearestCode(content, source, codes);
        Set(StructureFeature.CodeNearCodeWord, near.Score, near.Why);
        Set(StructureFeature.TextLength, (float)Math.Min(Math.Log(1 + content.Text.Length) / Math.Log(20_000), 1), null);
        Set(StructureFeature.ShortText, content.Text.AsSpan().Trim().Length < 400 ? 1 : 0, "a short text");
        var subject = content.Subject;
        Set(StructureFeature.SubjectLength, Math.Min(subject.Length, 120) / 120f, null);
        var letters = subject.Count(char.IsAsciiLetter);
        var upper = subject.Count(char.IsAsciiLetterUpper);
        var shouting = letters >= 8 ? (float)upper / letters : 0;
        Set(StructureFeature.SubjectShouting, Math.Clamp(shouting * 1.5f + subject.Count(c => c is '!' or '！') / 3f, 0, 1), "a shouting subject");
        var bangs = 0;
        foreach (var c in source)
            if (c is '!' or '！')
                bangs++;
        Set(StructureFeature.Exclamations, Math.Min(bangs, 6) / 6f, $"{bangs} exclamation marks");
        Set(StructureFeature.DocumentAttachment, shape.Attachments.Contains("document") || shape.Attachments.Contains("calendar") ? 1 : 0, "a document attached");
        Set(StructureFeature.ImageAttachment, shape.Attachments.Contains("image") ? 1 : 0, "an image attached");
        Set(StructureFeature.ArchiveAttachment, shape.Attachments.Contains("archive") ? 1 : 0, "an archive or program attached");
        var reply = headers.ContainsKey("In-Reply-To") || headers.ContainsKey("References") || QuotedReply().IsMatch(source);
        Set(StructureFeature.Reply, reply ? 1 : 0, "a reply quoting earlier mail");

        var phraseText = content.Words;
        var prohibitedFound = prohibited.Find(phraseText);
        Set(StructureFeature.ProhibitedPhrases, Math.Min(prohibitedFound.Count, 3) / 3f, Quote(prohibitedFound));
        var promoFound = promotional.Find(phraseText);
        Set(StructureFeature.PromotionalPhrases, Math.Min(promoFound.Count, 5) / 5f, Quote(promoFound));
        var unsubFound = unsubscribe.Find(phraseText);
        Set(StructureFeature.UnsubscribeWording, unsubFound.Count > 0 ? 1 : 0, Quote(unsubFound));
        var codeFound = codeWording.Find(phraseText);
        Set(StructureFeature.CodeWording, codeFound.Count > 0 ? 1 : 0, Quote(codeFound));
        var messenger = Messenger().Match(source);
        Set(StructureFeature.MessengerOrCrypto, messenger.Success ? 1 : 0, messenger.Success ? $"'{messenger.Value}' as the way to pay or talk" : null);

        var replyTo = Domain(headers.GetValueOrDefault("Reply-To"));
        var from = Domain(headers.GetValueOrDefault("From"));
        Set(StructureFeature.ReplyToElsewhere, replyTo is not null && from is not null && !SameSite(replyTo, from) ? 1 : 0, $"replies go to {replyTo}, not to the sender's {from}");

        // The subject's words again, marked "sbj" (the tokenizer drops punctuation, so the marker is letters):
        // "code" in a subject says more than "code" in a footer.
        var subjectEnd = normalised.IndexOf('\n');
        foreach (var token in Tokens().Matches(subjectEnd < 0 ? normalised : normalised[..subjectEnd]).Cast<Match>())
            words.Append(" sbj").Append(token.Value);

        return new MessageFeatures(words.ToString(), chars.ToString().Trim(), structure, evidence);
    }

    /// <summary>The domain of the first address in a header value, lower-cased, or null.</summary>
    static string? Domain(string? header)
    {
        if (header is null || !MailboxAddress.TryParse(header, out var mailbox) || mailbox.Domain.Length == 0)
            return null;
        return mailbox.Domain.ToLowerInvariant();
    }

    /// <summary>Two domains of one site: the same, or one a subdomain of the other.</summary>
    static bool SameSite(string a, string b) =>
        a == b || a.EndsWith("." + b, StringComparison.Ordinal) || b.EndsWith("." + a, StringComparison.Ordinal);

    static string? Quote(IReadOnlyList<string> found) =>
        found.Count == 0 ? null : string.Join(", ", found.Take(3).Select(f => $"'{f}'"));

    /// <summary>The code standing nearest to code wording: 1 when they touch, falling to 0 at <see cref="Nearness"/> characters.</summary>
    (float Score, string? Why) NearestCode(MessageContent content, string source, List<(int Position, string Value, string Shape)> codes)
    {
        if (codes.Count == 0)
            return (0, null);
        var best = (Score: 0f, Why: (string?)null);
        foreach (Match word in CodeWords().Matches(source))
        {
            foreach (var code in codes)
            {
                var distance = code.Position >= word.Index ? code.Position - (word.Index + word.Length) : word.Index - (code.Position + code.Value.Length);
                if (distance < 0 || distance > Nearness)
                    continue;
                var score = 1f - (float)distance / Nearness;
                if (score > best.Score)
                    best = (score, $"{code.Shape} ({code.Value.Trim()}) next to '{word.Value}'");
            }
        }
        return best;
    }

    /// <summary>
    /// One pass over the lower-cased text for every shape that is normalised. Digits are told apart from
    /// letters with ASCII classes, not \w: in "验证码是482913" the code follows a Chinese letter directly.
    /// </summary>
    [GeneratedRegex(@"(?<url>https?://[^\s<>""]+|www\.[a-z0-9-]+\.[^\s<>""]+)"
        + @"|(?<email>[a-z0-9._%+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+)"
        + @"|(?<money>(?:[€$£¥￥]|(?<![a-z])(?:eur|usd|gbp|chf|rmb|cny|us\$|hk\$|nt\$)(?![a-z]))\s?\d[\d.,']*(?:\s?(?:k|m|mio|万|千)(?![a-z]))?|\d[\d.,']*\s?(?:[€$£¥￥]|(?:eur|usd|gbp|chf|euro|euros|dollars?|rmb)(?![a-z])|元|块|美元|欧元|港币|人民币))"
        + @"|(?<pct>\d{1,3}(?:[.,]\d+)?\s?(?:%|％|prozent|percent|per cent)|(?<![a-z0-9])[一二三四五六七八九1-9](?:\.\d)?\s?折)"
        + @"|(?<date>(?<![a-z0-9])\d{1,4}[./-]\d{1,2}[./-]\d{1,4}(?![a-z0-9])|\d{4}\s?年\s?\d{1,2}\s?月(?:\s?\d{1,2}\s?[日号])?)"
        + @"|(?<time>(?<![a-z0-9])\d{1,2}:\d{2}(?::\d{2})?(?![a-z0-9]))"
        + @"|(?<group>(?<![a-z0-9.,-])\d{2,4}(?:[ -]\d{2,4}){1,3}(?![a-z0-9]|[.,]\d))"
        + @"|(?<alnum>(?<![a-z0-9-])(?=[a-z]{0,9}\d)(?=\d{0,9}[a-z])[a-z0-9]{5,10}(?![a-z0-9-]))"
        + @"|(?<digits>(?<![a-z0-9.,])\d+(?![a-z0-9]|[.,]\d))",
        RegexOptions.CultureInvariant)]
    private static partial Regex Shapes();

    /// <summary>Words that present a code as a one-time code, in the three languages (a feature's anchor, not a rule).</summary>
    [GeneratedRegex(@"verification|verify|security code|login|log-in|sign-in|sign in|signin|one-time|one time|otp|passcode|2fa|authenticat|confirmation|confirm|\bcode\b|\bpin\b|\btan\b|bestätigung|bestaetigung|sicherheits|verifizierung|anmelde|einmal|freigabe|kennwort|验证码|校验码|动态码|确认码|安全码|动态密码|验证|驗證碼|認證碼|驗證|校驗碼|动态口令|授权码|提取码",
        RegexOptions.CultureInvariant)]
    private static partial Regex CodeWords();

    /// <summary>A Latin word or number, or one Chinese character: the word text's tokens.</summary>
    [GeneratedRegex(@"[\p{L}\p{Nd}-[\u2E80-\u9FFF]]+|[\u2E80-\u9FFF]")]
    private static partial Regex Tokens();

    [GeneratedRegex(@"(?m)^\s*>|wrote:|schrieb:|写道：|寫道：|-----original message-----|ursprüngliche nachricht|原始邮件|from:.*\n.*sent:")]
    private static partial Regex QuotedReply();

    [GeneratedRegex(@"telegram|whatsapp|wickr|signal app|\bsession id\b|bitcoin|\bbtc\b|monero|\bxmr\b|\busdt\b|tether|crypto wallet|wallet address|微信|vx|扣扣|飞机号|纸飞机|电报|比特币|泰达币|u币|钱包地址",
        RegexOptions.CultureInvariant)]
    private static partial Regex Messenger();
}
