using System.Globalization;
using System.Text.RegularExpressions;
using MimeKit.Utils;
using Outpost.Engine.Queue;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Complaints;

/// <summary>
/// A complaint a person forwarded inline: some words of their own, a marker line ("---------- Forwarded
/// message ---------", "-----Original Message-----", "Begin forwarded message:", a rule of underscores),
/// then the original's From, Date or Sent, Subject and To as the mail program quoted them (maybe behind
/// "&gt; "). Pasted full headers are read too (X-Outpost-Id, Message-ID). Reads at most
/// <see cref="MaxText"/> characters and <see cref="MaxFieldLines"/> lines of quoted fields.
/// </summary>
public static partial class InlineForward
{
    public const int MaxText = 64 * 1024;
    public const int MaxFieldLines = 40;
    public const int MaxComment = 500;

    /// <summary>The original as the forward quotes it, and the forwarder's own words; null when the text quotes no mail.</summary>
    public static (ReportedMessage? Original, string? Comment) Read(string text)
    {
        if (text.Length > MaxText)
            text = text[..MaxText];
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var marker = Array.FindIndex(lines, l => Marker().IsMatch(Unquote(l)));

        string? from = null, subject = null, queueId = null, messageId = null;
        DateTimeOffset? date = null;
        var recipients = new List<string>();
        if (marker >= 0)
        {
            var started = false;
            string? field = null;
            for (var i = marker + 1; i < lines.Length && i <= marker + MaxFieldLines; i++)
            {
                var line = Unquote(lines[i]);
                if (line.Length == 0)
                {
                    if (started)
                        break;
                    continue;
                }
                var m = Field().Match(line);
                if (!m.Success)
                {
                    // A folded value (Thunderbird and Outlook wrap long To lines) continues the last field.
                    if (started && field is "to" or "cc")
                    {
                        recipients.AddRange(ReportAddresses.All(line));
                        continue;
                    }
                    if (started)
                        break;
                    continue;
                }
                started = true;
                field = m.Groups[1].Value.ToLowerInvariant();
                var value = m.Groups[2].Value.Trim();
                switch (field)
                {
                    case "from":
                        from ??= ReportAddresses.First(value);
                        break;
                    case "to" or "cc":
                        recipients.AddRange(ReportAddresses.All(value));
                        break;
                    case "date" or "sent":
                        date ??= ParseDate(value);
                        break;
                    case "subject":
                        subject ??= Shorten(value, 998);
                        break;
                }
            }
        }

        // Pasted headers, or a client that quotes them: anywhere after the marker (or anywhere, without one).
        foreach (var raw in lines.Skip(Math.Max(marker, 0)))
        {
            var line = Unquote(raw);
            if (queueId is null && line.StartsWith(QueueId.Header + ":", StringComparison.OrdinalIgnoreCase))
                queueId = FeedbackReportParser.QueueIdFrom(line[(QueueId.Header.Length + 1)..]);
            else if (messageId is null && line.StartsWith("Message-ID:", StringComparison.OrdinalIgnoreCase))
                messageId = MessageIdValue.Parse(line["Message-ID:".Length..]);
        }

        if (marker < 0 && queueId is null && messageId is null)
            return (null, null);
        if (from is null && recipients.Count == 0 && date is null && queueId is null && messageId is null)
            return (null, null);
        var comment = marker > 0 ? Shorten(Collapse(string.Join(' ', lines[..marker])), MaxComment) : null;
        return (new ReportedMessage(queueId, messageId, from, recipients.Distinct().ToList(), date, subject), string.IsNullOrEmpty(comment) ? null : comment);
    }

    /// <summary>A date as mail programs write it in a forward: RFC 5322, or "Fri, Nov 27, 2026 at 10:00 AM", "27 November 2026 at 10:00:00 GMT".</summary>
    public static DateTimeOffset? ParseDate(string value)
    {
        if (value.Length > 200)
            return null;
        if (DateUtils.TryParse(value, out var rfc))
            return rfc;
        var cleaned = At().Replace(value, " ");
        cleaned = Weekday().Replace(cleaned, "").Trim();
        if (DateTimeOffset.TryParse(cleaned, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var loose))
            return loose;
        // "GMT", "UTC" and zone names .NET does not know: read the rest as UTC.
        var zoneless = Zone().Replace(cleaned, "").Trim();
        return DateTimeOffset.TryParse(zoneless, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out var utc) ? utc : null;
    }

    static string Unquote(string line)
    {
        var s = line.TrimEnd('\r').TrimStart();
        while (s.StartsWith('>'))
            s = s[1..].TrimStart();
        return s.TrimEnd();
    }

    static string Collapse(string text) => Spaces().Replace(text, " ").Trim();

    static string Shorten(string text, int max) => text.Length <= max ? text : text[..max];

    [GeneratedRegex(@"^(-{2,}\s*(forwarded message|original message|weitergeleitete nachricht|message transf[eé]r[eé]|mensaje reenviado)\s*-{2,}|begin forwarded message:?|_{10,})$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Marker();

    [GeneratedRegex(@"^(From|To|Cc|Date|Sent|Subject)\s*:\s*(.*)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Field();

    [GeneratedRegex(@"\s+at\s+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex At();

    [GeneratedRegex(@"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Weekday();

    [GeneratedRegex(@"\s+(GMT|UTC|UT|Z|[A-Z]{3,4})$", RegexOptions.CultureInvariant)]
    private static partial Regex Zone();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
