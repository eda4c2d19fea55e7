namespace Outpost.Engine.Policy.Model;

/// <summary>
/// Which text features a model reads, fixed at training and stored with its vocabulary so that
/// prediction cuts the text the same way: word n-grams up to <see cref="Words"/> words, character
/// n-grams from <see cref="CharsFrom"/> to <see cref="CharsTo"/> characters, and whether counts are
/// damped (1 + ln count) before the L2 norm, so that a word said ten times weighs less than ten words.
/// </summary>
public sealed record GramSettings(int Words = 2, int CharsFrom = 3, int CharsTo = 3, bool LogCounts = false)
{
    const string Prefix = "# grams:";

    public void Validate()
    {
        if (Words is < 1 or > 3 || CharsFrom < 2 || CharsTo > 5 || CharsFrom > CharsTo)
            throw new ArgumentException($"Word n-grams go up to 1–3 words and character n-grams span 2–5 characters; {this} is outside that.");
    }

    public string Line => $"{Prefix} words {Words}, characters {CharsFrom}-{CharsTo}, counts {(LogCounts ? "log" : "plain")}";

    public static GramSettings Parse(string? line)
    {
        // "# grams: words 2, characters 3-3, counts plain"
        var parts = line is not null && line.StartsWith(Prefix, StringComparison.Ordinal) ? line[Prefix.Length..].Split(',', StringSplitOptions.TrimEntries) : [];
        if (parts.Length == 3 && parts[0].StartsWith("words ", StringComparison.Ordinal) && int.TryParse(parts[0][6..], out var words)
            && parts[1].StartsWith("characters ", StringComparison.Ordinal) && parts[1][11..].Split('-') is [var from, var to]
            && int.TryParse(from, out var charsFrom) && int.TryParse(to, out var charsTo) && parts[2] is "counts log" or "counts plain")
        {
            var settings = new GramSettings(words, charsFrom, charsTo, parts[2] == "counts log");
            settings.Validate();
            return settings;
        }
        throw new InvalidDataException($"The content model's vocabulary does not say which grams it holds ('{line}').");
    }
}
