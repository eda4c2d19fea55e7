using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace Outpost.Engine.Policy.Model;

/// <summary>
/// Turns a message's decoded content into what the content model reads: its words and its characters
/// as two normalised texts (<see cref="TermKeys"/> cuts them into word n-grams and character trigrams),
/// and the structural features of <see cref="StructureFeature"/>.
/// Normalisation (<see cref="ShapeScanner"/>) replaces what varies from mail to mail by its shape, so
/// that the model learns the shape and not the instance: a link becomes <c>urltok</c>, a price
/// <c>moneytok</c>, a six-digit number <c>dig6tok</c>; Chinese characters stand apart in the word text,
/// so its word n-grams are character uni- and bigrams; the subject's words follow once more, marked
/// <c>sbj</c>; the character text has a space at each end.
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
        var shapes = ShapeScanner.Normalise(source);
        var normalised = shapes.Text;
        var codes = shapes.Codes;
        int money = shapes.Money, percent = shapes.Percent;

        // Words: Latin words as they are, each Chinese character apart; characters: letters and digits,
        // one space between words and at each end. Written into arrays: a StringBuilder's indexer walks
        // its chunks, and this loop runs once per character of the mail.
        var words = new char[normalised.Length * 2 + 2];
        var chars = new char[normalised.Length + 2];
        int w = 0, ch = 0;
        chars[ch++] = ' ';
        foreach (var c in normalised)
        {
            if (char.IsLetterOrDigit(c))
            {
                if (c >= PhraseText.Cjk)
                {
                    if (w > 0 && words[w - 1] != ' ') words[w++] = ' ';
                    words[w++] = c;
                    words[w++] = ' ';
                }
                else
                    words[w++] = c;
                chars[ch++] = c;
            }
            else
            {
                if (w > 0 && words[w - 1] != ' ') words[w++] = ' ';
                if (chars[ch - 1] != ' ') chars[ch++] = ' ';
            }
        }
        if (chars[ch - 1] != ' ')
            chars[ch++] = ' ';
        var wordText = new StringBuilder(w + 64).Append(words, 0, w);

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

        var near = NearestCode(source, codes);
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
        var reply = headers.ContainsKey("In-Reply-To") || headers.ContainsKey("References") || QuotesEarlierMail(source);
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
        var messenger = Messenger.First(source);
        Set(StructureFeature.MessengerOrCrypto, messenger is not null ? 1 : 0, $"'{messenger}' as the way to pay or talk");

        var replyTo = Domain(headers.GetValueOrDefault("Reply-To"));
        var from = Domain(headers.GetValueOrDefault("From"));
        Set(StructureFeature.ReplyToElsewhere, replyTo is not null && from is not null && !SameSite(replyTo, from) ? 1 : 0, $"replies go to {replyTo}, not to the sender's {from}");

        // The subject's words again, marked "sbj" (the tokenizer drops punctuation, so the marker is letters):
        // "code" in a subject says more than "code" in a footer.
        var subjectEnd = normalised.IndexOf('\n');
        foreach (var token in Tokens().Matches(subjectEnd < 0 ? normalised : normalised[..subjectEnd]).Cast<Match>())
            wordText.Append(" sbj").Append(token.Value);

        return new MessageFeatures(wordText.ToString().Trim(), new string(chars, 0, ch), structure, evidence);
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
    static (float Score, string? Why) NearestCode(string source, List<ShapeScanner.Code> codes)
    {
        if (codes.Count == 0)
            return (0, null);
        var best = (Score: 0f, Why: (string?)null);
        foreach (var (index, word) in CodeWords.Matches(source))
        {
            foreach (var code in codes)
            {
                var distance = code.Position >= index ? code.Position - (index + word.Length) : index - (code.Position + code.Value.Length);
                if (distance < 0 || distance > Nearness)
                    continue;
                var score = 1f - (float)distance / Nearness;
                if (score > best.Score)
                    best = (score, $"{code.Shape} ({code.Value.Trim()}) next to '{word}'");
            }
        }
        return best;
    }

    /// <summary>Words that present a code as a one-time code, in the three languages (a feature's anchor, not a rule).</summary>
    static readonly LiteralSearch CodeWords = new("verification", "verify", "security code", "login", "log-in", "sign-in", "sign in", "signin", "one-time", "one time",
        "otp", "passcode", "2fa", "authenticat", "confirmation", "confirm", @"\bcode\b", @"\bpin\b", @"\btan\b", "bestätigung", "bestaetigung", "sicherheits",
        "verifizierung", "anmelde", "einmal", "freigabe", "kennwort", "验证码", "校验码", "动态码", "确认码", "安全码", "动态密码", "验证", "驗證碼", "認證碼", "驗證",
        "校驗碼", "动态口令", "授权码", "提取码");

    static readonly LiteralSearch Messenger = new("telegram", "whatsapp", "wickr", "signal app", @"\bsession id\b", "bitcoin", @"\bbtc\b", "monero", @"\bxmr\b",
        @"\busdt\b", "tether", "crypto wallet", "wallet address", "微信", "vx", "扣扣", "飞机号", "纸飞机", "电报", "比特币", "泰达币", "u币", "钱包地址");

    static readonly LiteralSearch ReplyMarkers = new("wrote:", "schrieb:", "写道：", "寫道：", "-----original message-----", "ursprüngliche nachricht", "原始邮件");

    /// <summary>A quoted reply: a line opening with "&gt;", a "wrote:" line in one of the languages, or Outlook's "From: … / Sent: …" block.</summary>
    static bool QuotesEarlierMail(string source)
    {
        if (ReplyMarkers.First(source) is not null)
            return true;
        for (var i = source.IndexOf('>'); i >= 0; i = source.IndexOf('>', i + 1))
        {
            var j = i - 1;
            while (j >= 0 && source[j] != '\n' && char.IsWhiteSpace(source[j]))
                j--;
            if (j < 0 || source[j] == '\n')
                return true;
        }
        for (var i = source.IndexOf("from:", StringComparison.Ordinal); i >= 0; i = source.IndexOf("from:", i + 1, StringComparison.Ordinal))
        {
            var line = source.IndexOf('\n', i);
            if (line < 0)
                break;
            var next = source.IndexOf('\n', line + 1);
            if (source.AsSpan(line + 1, (next < 0 ? source.Length : next) - line - 1).Contains("sent:", StringComparison.Ordinal))
                return true;
        }
        return false;
    }

    /// <summary>A Latin word or number, or one Chinese character: the word text's tokens.</summary>
    [GeneratedRegex(@"[\p{L}\p{Nd}-[\u2E80-\u9FFF]]+|[\u2E80-\u9FFF]")]
    private static partial Regex Tokens();
}
