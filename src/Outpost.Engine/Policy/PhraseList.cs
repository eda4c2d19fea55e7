using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Outpost.Engine.Policy;

/// <summary>
/// A list of phrases from a data file (one per line, '#' for comments), matched case-insensitively:
/// on word boundaries for Latin script, as substrings for Chinese, where words are not separated.
/// The lists ship inside Outpost and can be replaced by files of the same name in
/// <c>Policy:PhrasesDirectory</c>.
/// </summary>
public sealed class PhraseList
{
    readonly List<(string Phrase, Regex? Pattern)> _phrases = [];

    public PhraseList(IEnumerable<string> lines)
    {
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var phrase = line.ToLowerInvariant();
            var latin = phrase.All(c => c < 0x2E80);
            _phrases.Add((phrase, latin
                ? new Regex(@"(?<![\p{L}\p{N}])" + Regex.Escape(phrase).Replace("%", @"\d{1,3}\s?%") + @"(?![\p{L}\p{N}])", RegexOptions.CultureInvariant | RegexOptions.Compiled)
                : null));
        }
    }

    public int Count => _phrases.Count;

    /// <summary>The phrases found in <paramref name="lowerText"/> (which must be lower-cased already).</summary>
    public IReadOnlyList<string> Find(string lowerText)
    {
        var found = new List<string>();
        foreach (var (phrase, pattern) in _phrases)
            if (pattern is null ? lowerText.Contains(phrase, StringComparison.Ordinal) : pattern.IsMatch(lowerText))
                found.Add(phrase);
        return found;
    }

    /// <summary>The positions where phrases start, for checks that care how near two things are.</summary>
    public IReadOnlyList<int> Positions(string lowerText)
    {
        var positions = new List<int>();
        foreach (var (phrase, pattern) in _phrases)
        {
            if (pattern is null)
            {
                for (var i = lowerText.IndexOf(phrase, StringComparison.Ordinal); i >= 0; i = lowerText.IndexOf(phrase, i + 1, StringComparison.Ordinal))
                    positions.Add(i);
            }
            else
            {
                foreach (Match m in pattern.Matches(lowerText))
                    positions.Add(m.Index);
            }
        }
        return positions;
    }

    public static PhraseList Load(string name, string? overrideDirectory)
    {
        if (overrideDirectory is not null)
        {
            var path = Path.Combine(overrideDirectory, name);
            if (File.Exists(path))
                return new PhraseList(File.ReadAllLines(path));
        }
        var assembly = Assembly.GetExecutingAssembly();
        var resource = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".Policy.Data." + name, StringComparison.Ordinal));
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return new PhraseList(reader.ReadToEnd().Split('\n'));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{_phrases.Count} phrases");
}
