namespace Outpost.Engine.Queue;

/// <summary>
/// The one reading of a Message-ID header's value: the id without its angle brackets, or null when it
/// cannot be one. Submission records it with each queued message; complaints match reports by it.
/// </summary>
public static class MessageIdValue
{
    /// <summary>The longest id kept: a header line's limit (RFC 5322 §2.1.1).</summary>
    public const int MaxLength = 998;

    public static string? Parse(string value)
    {
        var v = value.Trim();
        var open = v.IndexOf('<');
        var close = open >= 0 ? v.IndexOf('>', open + 1) : -1;
        var id = open >= 0 && close > open ? v[(open + 1)..close] : v;
        id = id.Trim();
        return id.Length is 0 or > MaxLength || id.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) ? null : id;
    }
}
