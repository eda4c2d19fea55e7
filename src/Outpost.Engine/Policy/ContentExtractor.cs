using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace Outpost.Engine.Policy;

/// <summary>
/// Turns a MIME message into <see cref="MessageContent"/>: MimeKit decodes transfer encodings and
/// charsets; HTML is reduced to its text, with links, images and 1×1 tracking pixels counted. Text is
/// capped, so a 25 MB message costs no more than a large one.
/// </summary>
public static partial class ContentExtractor
{
    /// <summary>
    /// How much decoded text the checks read per message. Like Postfix's body_checks_size_limit (50 KB),
    /// a bound that keeps every message's cost small: wording that decides a class (offers, codes,
    /// prohibited offers) is not hidden behind 64,000 characters of other text in mail people read.
    /// </summary>
    public const int MaxText = 65_536;
    static readonly string[] KeptHeaders = ["List-Unsubscribe", "List-Id", "Precedence", "X-Mailer", "Auto-Submitted", "Feedback-ID", "In-Reply-To", "References", "From", "Reply-To"];

    public static MessageContent Extract(MimeMessage message, long size)
    {
        var text = new StringBuilder();
        int links = 0, images = 0, pixels = 0, htmlLength = 0, linkText = 0;
        bool hasHtml = false, hasPlain = false;
        var linkDomains = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var attachments = new List<string>();
        foreach (var entity in message.BodyParts)
        {
            if (entity is not TextPart part || part.IsAttachment)
            {
                if (attachments.Count < 20)
                    attachments.Add(AttachmentKind(entity));
                continue;
            }
            if (text.Length >= MaxText)
                continue;
            if (!part.IsHtml)
            {
                hasPlain = true;
                // Plain text goes straight into the one builder (its chunks stay small): no copy per part.
                var before = text.Length;
                try
                {
                    ReadText(part, MaxText - text.Length, text);
                    text.Append('\n');
                }
                catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or IOException)
                {
                    text.Length = before;
                }
                continue;
            }
            string body;
            try
            {
                var html = new StringBuilder();
                ReadText(part, MaxText - text.Length, html);
                body = html.ToString();
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException or NotSupportedException or IOException)
            {
                continue;
            }
            hasHtml = true;
            htmlLength += body.Length;
            foreach (Match link in Anchors().Matches(body))
            {
                links++;
                linkText += link.Groups["text"].Length;
                if (linkDomains.Count < 50 && LinkHost().Match(link.Value) is { Success: true } host)
                    linkDomains.Add(host.Groups[1].Value);
            }
            foreach (Match img in Images().Matches(body))
            {
                images++;
                if (Pixel().IsMatch(img.Value))
                    pixels++;
            }
            body = HtmlToText(body);
            text.Append(body.AsSpan(0, Math.Min(body.Length, MaxText - text.Length))).Append('\n');
        }
        var all = text.ToString();
        if (links == 0)
            foreach (Match link in PlainLinks().Matches(all))
            {
                links++;
                if (linkDomains.Count < 50)
                    linkDomains.Add(link.Groups[1].Value);
            }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in KeptHeaders)
            if (message.Headers[name] is { } value)
                headers[name] = value;
        return new MessageContent(message.Subject ?? "", all, headers, links, images, pixels, size)
        {
            Shape = new ContentShape(hasHtml, hasPlain, htmlLength, linkText, linkDomains.Count, attachments),
        };
    }

    /// <summary>What an attachment is, in the words the classifier's features use: document, image, calendar, archive or other.</summary>
    static string AttachmentKind(MimeEntity entity)
    {
        var type = entity.ContentType;
        var name = (entity is MimePart p ? p.FileName : null)?.ToLowerInvariant() ?? "";
        if (type.MediaType.Equals("image", StringComparison.OrdinalIgnoreCase))
            return "image";
        if (type.MimeType.Equals("text/calendar", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".ics", StringComparison.Ordinal))
            return "calendar";
        if (name.EndsWith(".zip", StringComparison.Ordinal) || name.EndsWith(".rar", StringComparison.Ordinal) || name.EndsWith(".7z", StringComparison.Ordinal)
            || name.EndsWith(".exe", StringComparison.Ordinal) || name.EndsWith(".js", StringComparison.Ordinal) || type.MimeType.Contains("zip", StringComparison.OrdinalIgnoreCase))
            return "archive";
        if (type.MimeType is "application/pdf" || name.EndsWith(".pdf", StringComparison.Ordinal) || type.MimeType.Contains("officedocument", StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(".doc", StringComparison.Ordinal) || name.EndsWith(".xls", StringComparison.Ordinal) || name.EndsWith(".csv", StringComparison.Ordinal))
            return "document";
        return "other";
    }

    /// <summary>
    /// The decoded text of a part, at most <paramref name="max"/> characters, appended to <paramref name="sb"/>:
    /// a 25 MB text part must not become a 50 MB string (part.Text would read it all).
    /// </summary>
    static void ReadText(TextPart part, int max, StringBuilder sb)
    {
        if (part.Content is null || max <= 0)
            return;
        Encoding encoding;
        try
        {
            encoding = part.ContentType.CharsetEncoding ?? Encoding.UTF8;
        }
        catch (NotSupportedException)
        {
            encoding = Encoding.UTF8;
        }
        using var stream = part.Content.Open();
        using var reader = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: false);
        // A pooled buffer: a fresh 128 KB one per part would land on the large-object heap every time.
        var buffer = System.Buffers.ArrayPool<char>.Shared.Rent(Math.Min(max, 16 * 1024));
        try
        {
            var limit = sb.Length + max;
            int read;
            while (sb.Length < limit && (read = reader.Read(buffer, 0, Math.Min(buffer.Length, limit - sb.Length))) > 0)
                sb.Append(buffer, 0, read);
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(buffer);
        }
    }

    public static string HtmlToText(string html)
    {
        var noScripts = Scripts().Replace(html, " ");
        var breaks = Breaks().Replace(noScripts, "\n");
        var plain = Tags().Replace(breaks, " ");
        return Spaces().Replace(WebUtility.HtmlDecode(plain), " ");
    }

    /// <summary>A link with its text (bounded, so a missing end tag cannot make a match run over the whole body).</summary>
    [GeneratedRegex(@"<\s*a\s[^>]*href[^>]*>(?<text>[^<]{0,500})", RegexOptions.IgnoreCase)]
    private static partial Regex Anchors();

    [GeneratedRegex(@"href\s*=\s*[""']?\s*https?://([^/""'\s>:?#]+)", RegexOptions.IgnoreCase)]
    private static partial Regex LinkHost();

    [GeneratedRegex(@"https?://([^/\s<>""':?#]+)", RegexOptions.IgnoreCase)]
    private static partial Regex PlainLinks();

    [GeneratedRegex(@"<\s*img\s[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex Images();

    [GeneratedRegex(@"(width\s*=\s*[""']?[01](px)?[""'\s/>]|height\s*=\s*[""']?[01](px)?[""'\s/>]|display\s*:\s*none)", RegexOptions.IgnoreCase)]
    private static partial Regex Pixel();

    [GeneratedRegex(@"<(script|style)[^>]*>.*?</\1\s*>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Scripts();

    [GeneratedRegex(@"<\s*(br|/p|/div|/tr|/li|/h\d)\s*/?>", RegexOptions.IgnoreCase)]
    private static partial Regex Breaks();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"[ \t\u00a0]+")]
    private static partial Regex Spaces();
}
