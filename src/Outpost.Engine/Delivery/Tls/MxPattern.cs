namespace Outpost.Engine.Delivery.Tls;

/// <summary>
/// MX host patterns as RFC 8461 §4.1 has them (and the TLS policy table's <c>--match</c>): a host name,
/// or <c>*.</c> and a domain, which stands for exactly one more label on the left ("*.example.com" matches
/// "mx1.example.com", not "example.com" nor "a.b.example.com"). Case does not matter; a final dot is ignored.
/// </summary>
public static class MxPattern
{
    /// <summary>Whether <paramref name="host"/> matches <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string host)
    {
        pattern = pattern.Trim().TrimEnd('.');
        host = host.Trim().TrimEnd('.');
        if (pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            var suffix = pattern[1..];
            if (!host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                return false;
            var label = host[..^suffix.Length];
            return label.Length > 0 && !label.Contains('.');
        }
        return string.Equals(pattern, host, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Whether <paramref name="pattern"/> is a pattern at all: labels of letters, digits and hyphens (at
    /// most 63 each, 253 in all), at least two, the wildcard only as the whole first label.
    /// </summary>
    public static bool IsValid(string pattern)
    {
        var name = pattern.TrimEnd('.');
        if (name.Length is 0 or > 253)
            return false;
        var labels = name.Split('.');
        if (labels.Length < 2)
            return false;
        for (var i = 0; i < labels.Length; i++)
        {
            var label = labels[i];
            if (i == 0 && label == "*")
                continue;
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
                return false;
        }
        return true;
    }
}
