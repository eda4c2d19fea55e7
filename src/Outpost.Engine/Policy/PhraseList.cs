using System.Globalization;
using System.Reflection;

namespace Outpost.Engine.Policy;

/// <summary>
/// A list of phrases from a data file (one per line, '#' for comments), matched case-insensitively:
/// word by word for Latin script (see <see cref="PhraseText"/>; a "%" stands for a number of up to three
/// digits and a percent sign), as substrings for Chinese, where words are not separated. The lists ship
/// inside Outpost and can be replaced by files of the same name in <c>Policy:PhrasesDirectory</c>.
/// </summary>
public sealed class PhraseList
{
    /// <summary>A phrase's words; a null word is the number before a "%".</summary>
    sealed record Phrase(int Index, string Text, PhraseToken[]? Words, string[]? WordTexts);

    readonly List<Phrase> _phrases = [];
    readonly Dictionary<int, List<Phrase>> _byFirstWord = [];
    readonly List<Phrase> _numberFirst = [];
    readonly List<Phrase> _substrings = [];

    public PhraseList(IEnumerable<string> lines)
    {
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var text = line.ToLowerInvariant();
            Phrase phrase;
            if (text.Any(c => c >= PhraseText.Cjk))
            {
                phrase = new Phrase(_phrases.Count, text, null, null);
                _substrings.Add(phrase);
            }
            else
            {
                var words = new PhraseText(text);
                var tokens = words.Tokens.ToArray();
                var texts = tokens.Select(t => words.Word(t).ToString()).ToArray();
                if (tokens.Length == 0)
                    continue;
                // "% off" means "a number, then % off": the number becomes a word of its own.
                var list = new List<PhraseToken>();
                var wordTexts = new List<string>();
                for (var i = 0; i < tokens.Length; i++)
                {
                    if (texts[i] == "%")
                    {
                        list.Add(new PhraseToken(0, 0, 0, tokens[i].AfterBreak, ShortNumber: true));
                        wordTexts.Add("");
                    }
                    list.Add(tokens[i] with { AfterBreak = texts[i] != "%" && tokens[i].AfterBreak });
                    wordTexts.Add(texts[i]);
                }
                phrase = new Phrase(_phrases.Count, text, [.. list], [.. wordTexts]);
                if (list[0].ShortNumber && wordTexts[0].Length == 0)
                    _numberFirst.Add(phrase);
                else
                    (_byFirstWord.TryGetValue(list[0].Hash, out var bucket) ? bucket : _byFirstWord[list[0].Hash] = []).Add(phrase);
            }
            _phrases.Add(phrase);
        }
    }

    public int Count => _phrases.Count;

    /// <summary>The phrases found in <paramref name="lowerText"/> (which must be lower-cased already), in list order.</summary>
    public IReadOnlyList<string> Find(string lowerText) => Find(new PhraseText(lowerText));

    public IReadOnlyList<string> Find(PhraseText text)
    {
        var found = new SortedSet<int>();
        Match(text, (phrase, _) => found.Add(phrase.Index));
        return found.Select(i => _phrases[i].Text).ToList();
    }

    /// <summary>The positions where phrases start, for checks that care how near two things are.</summary>
    public IReadOnlyList<int> Positions(string lowerText) => Positions(new PhraseText(lowerText));

    public IReadOnlyList<int> Positions(PhraseText text)
    {
        var positions = new List<int>();
        Match(text, (_, position) => positions.Add(position));
        return positions;
    }

    void Match(PhraseText text, Action<Phrase, int> found)
    {
        var tokens = text.Tokens;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            if (_byFirstWord.TryGetValue(token.Hash, out var bucket))
                foreach (var phrase in bucket)
                    if (Matches(text, i, phrase))
                        found(phrase, token.Start);
            if (token.ShortNumber)
                foreach (var phrase in _numberFirst)
                    if (Matches(text, i, phrase))
                        found(phrase, token.Start);
        }
        if (text.HasCjk)
        {
            foreach (var phrase in _substrings)
                for (var at = text.Lower.IndexOf(phrase.Text, StringComparison.Ordinal); at >= 0; at = text.Lower.IndexOf(phrase.Text, at + 1, StringComparison.Ordinal))
                    found(phrase, at);
        }
    }

    static bool Matches(PhraseText text, int first, Phrase phrase)
    {
        var words = phrase.Words!;
        var tokens = text.Tokens;
        if (first + words.Length > tokens.Count)
            return false;
        for (var j = 0; j < words.Length; j++)
        {
            var token = tokens[first + j];
            var word = words[j];
            if (j > 0 && token.AfterBreak != word.AfterBreak)
                return false;
            if (phrase.WordTexts![j].Length == 0)
            {
                if (!token.ShortNumber)
                    return false;
            }
            else if (token.Hash != word.Hash || !text.Word(token).SequenceEqual(phrase.WordTexts[j]))
            {
                return false;
            }
        }
        return true;
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
