using System.Buffers;

namespace Outpost.Engine.Policy.Model;

/// <summary>
/// A set of literal words found in lower-cased text in one vectorised pass (<see cref="SearchValues{T}"/>),
/// for the feature builder's anchors: code wording, messengers and crypto, quoted replies. A word written
/// with <c>\b</c> at an end must stand apart there (no ASCII letter or digit beside it), as in a regular
/// expression; the others match anywhere, which is what Chinese, with no spaces, needs.
/// Regular expressions did the same work at about ten times the cost on a long mail.
/// </summary>
public sealed class LiteralSearch
{
    readonly SearchValues<string>? _ascii;
    readonly (string Word, bool Before, bool After)[] _words;
    // Words with letters beyond ASCII are found by their first such letter: SearchValues<string> over
    // them falls back to a per-character dictionary walk that cost more than the rest of the features.
    readonly SearchValues<char> _anchors;
    readonly Dictionary<char, (string Word, int Offset)[]> _byAnchor = [];

    public LiteralSearch(params string[] words)
    {
        _words = words.Select(w => (w.Replace(@"\b", "", StringComparison.Ordinal), w.StartsWith(@"\b", StringComparison.Ordinal), w.EndsWith(@"\b", StringComparison.Ordinal)))
            .OrderByDescending(w => w.Item1.Length) // the longest word at a position is the one reported
            .ToArray();
        var ascii = _words.Select(w => w.Word).Where(w => w.All(char.IsAscii)).Distinct().ToArray();
        _ascii = ascii.Length > 0 ? SearchValues.Create(ascii, StringComparison.Ordinal) : null;
        foreach (var group in _words.Select(w => w.Word).Where(w => !w.All(char.IsAscii)).Distinct()
                     .Select(w => (Word: w, Offset: w.AsSpan().IndexOfAnyExceptInRange('\0', '\x7F'))).GroupBy(w => w.Word[w.Offset]))
            _byAnchor[group.Key] = [.. group];
        _anchors = SearchValues.Create([.. _byAnchor.Keys]);
    }

    /// <summary>Every match, left to right, as its position and word; matches may overlap.</summary>
    public List<(int Index, string Word)> Matches(string text)
    {
        var found = new List<(int, string)>();
        Search(text, found, first: false);
        return found;
    }

    /// <summary>The first match, or null.</summary>
    public string? First(string text)
    {
        var found = new List<(int Index, string Word)>(2);
        Search(text, found, first: true);
        return found.Count == 0 ? null : found.MinBy(f => f.Index).Word;
    }

    void Search(string text, List<(int Index, string Word)> found, bool first)
    {
        if (_ascii is not null)
        {
            for (var at = 0; at < text.Length;)
            {
                var i = text.AsSpan(at).IndexOfAny(_ascii);
                if (i < 0)
                    break;
                i += at;
                if (WordAt(text, i) is { } word)
                {
                    found.Add((i, word));
                    if (first)
                        break;
                }
                at = i + 1;
            }
        }
        var ascii = found.Count;
        for (var at = 0; at < text.Length;)
        {
            var i = text.AsSpan(at).IndexOfAny(_anchors);
            if (i < 0)
                break;
            i += at;
            foreach (var (candidate, offset) in _byAnchor[text[i]])
            {
                var start = i - offset;
                if (start >= 0 && text.AsSpan(start).StartsWith(candidate, StringComparison.Ordinal) && WordAt(text, start) is { } word)
                {
                    found.Add((start, word));
                    break;
                }
            }
            if (first && found.Count > ascii)
                break;
            at = i + 1;
        }
        if (!first && ascii > 0 && found.Count > ascii)
            found.Sort((a, b) => a.Index.CompareTo(b.Index));
    }

    string? WordAt(string text, int i)
    {
        foreach (var (word, before, after) in _words)
        {
            if (!text.AsSpan(i).StartsWith(word, StringComparison.Ordinal))
                continue;
            if (before && i > 0 && char.IsAsciiLetterOrDigit(text[i - 1]))
                continue;
            var end = i + word.Length;
            if (after && end < text.Length && char.IsAsciiLetterOrDigit(text[end]))
                continue;
            return word;
        }
        return null;
    }
}
