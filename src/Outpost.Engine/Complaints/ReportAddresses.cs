using System.Text.RegularExpressions;

namespace Outpost.Engine.Complaints;

/// <summary>
/// Addresses as reports carry them: "&lt;bob@example.net&gt;", "Bob &lt;bob@example.net&gt;", "Bob
/// [mailto:bob@example.net]", and redacted forms. Mailbox providers hide the complainer (RFC 6590): the
/// local part becomes x's, stars, "redacted", or a long hash; the domain usually stays.
/// </summary>
public static partial class ReportAddresses
{
    public const int MaxLength = 254;

    /// <summary>The first address in a header value or a quoted line, lower-case, or null.</summary>
    public static string? First(string? text) => All(text).FirstOrDefault();

    /// <summary>Every address in a header value or a quoted line (at most 50), lower-case.</summary>
    public static IEnumerable<string> All(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            yield break;
        var count = 0;
        foreach (Match m in Address().Matches(text.Length > 4096 ? text[..4096] : text))
        {
            var address = m.Value.TrimEnd('.').ToLowerInvariant();
            if (address.StartsWith("mailto:", StringComparison.Ordinal))
                address = address[7..];
            var at = address.LastIndexOf('@');
            if (at <= 0 || at == address.Length - 1 || address.Length > MaxLength)
                continue;
            yield return address;
            if (++count == 50)
                yield break;
        }
    }

    /// <summary>Whether the local part was hidden by the reporter, so the address names nobody.</summary>
    public static bool LooksRedacted(string address)
    {
        var at = address.LastIndexOf('@');
        var local = at > 0 ? address[..at] : address;
        return Redacted().IsMatch(local) || HashLike().IsMatch(local);
    }

    public static string DomainOf(string address) => address[(address.LastIndexOf('@') + 1)..];

    [GeneratedRegex(@"[^\s<>\[\]()""',;:]+@[^\s<>\[\]()""',;:]+", RegexOptions.CultureInvariant)]
    private static partial Regex Address();

    [GeneratedRegex(@"^(x{3,}|\*{3,}|#{3,}|\.{3,}|_{3,}|redacted|\[redacted\]|removed|hidden|anonymi[sz]ed|anonymous|undisclosed)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Redacted();

    // RFC 6590 suggests replacing the local part with a hash; a real person's local part is rarely 16 hex digits and more.
    [GeneratedRegex("^[0-9a-f]{16,}$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex HashLike();
}
