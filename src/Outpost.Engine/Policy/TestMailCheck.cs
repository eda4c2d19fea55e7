using System.Text.RegularExpressions;

namespace Outpost.Engine.Policy;

/// <summary>
/// A test mail (F2): a body of bare numbers, or of letters that make no words ("asdfgh", "test test").
/// It is not refused, but the sender is told it is likely to land in spam.
/// </summary>
public sealed partial class TestMailCheck
{
    public ClassResult Check(MessageContent content)
    {
        // Trimmed as a span: a copy of a long text only to measure it would be most of what the checks allocate.
        var trimmed = content.Text.AsSpan().Trim();
        var signals = new List<string>();
        if (trimmed.Length == 0)
            signals.Add("an empty body");
        else if (trimmed.Length <= 200)
        {
            var body = trimmed.ToString();
            if (Numbers().IsMatch(body))
                signals.Add("a body of bare numbers");
            else if (Words().Matches(body) is { Count: > 0 } words && words.All(w => Gibberish(w.Value)))
                signals.Add("a body of random letters");
        }
        return new ClassResult(ContentClass.TestMail, signals.Count > 0, signals.Count, signals);
    }

    /// <summary>"test", keyboard runs and strings with almost no vowels are not words a person writes to another.</summary>
    static bool Gibberish(string word)
    {
        var w = word.ToLowerInvariant();
        if (w is "test" or "testing" or "tests" or "hallo" or "hello" or "hi" or "ok" or "x")
            return true;
        if (w.Length < 4)
            return false;
        if (KeyboardRows.Any(row => row.Contains(w, StringComparison.Ordinal)))
            return true;
        var vowels = w.Count(c => "aeiouyäöü".Contains(c));
        return vowels * 5 < w.Length || w.Distinct().Count() <= 2;
    }

    static readonly string[] KeyboardRows = ["qwertyuiop", "qwertzuiopü", "asdfghjkl", "asdfghjklöä", "zxcvbnm", "yxcvbnm", "abcdefghijklmnopqrstuvwxyz"];

    [GeneratedRegex(@"^[\d\s.,:;+\-/#*]+$")]
    private static partial Regex Numbers();

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex Words();
}
