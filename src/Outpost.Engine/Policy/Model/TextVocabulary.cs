using System.Collections.Concurrent;

namespace Outpost.Engine.Policy.Model;

/// <summary>
/// The text features a content model knows: every word and character n-gram seen in at
/// least <see cref="TrainingOptions.MinimumCount"/> training messages, numbered word terms first, then
/// character terms, each group in ordinal order of its text (so a corpus gives the same numbering every
/// time). Lookup is an open-addressing table of the terms' 64-bit keys: one multiply and, nearly
/// always, one probe per gram, with no string made at prediction time.
/// Stored beside the classifier as <c>vocabulary.txt</c>: a header, then one term per line ("w", a tab,
/// the word or words; or "c", a tab, the characters).
/// </summary>
public sealed class TextVocabulary
{
    const string Header = "# outpost content vocabulary";

    readonly ulong[] _keys;
    readonly int[] _slots;
    readonly int _mask;
    readonly ConcurrentBag<float[]> _counts = [];

    /// <summary>The terms' texts by index; the explanation quotes them.</summary>
    public IReadOnlyList<string> Terms { get; }

    /// <summary>Terms below this index are word terms; from it on, character terms.</summary>
    public int WordCount { get; }

    public int Count => Terms.Count;

    /// <summary>How many structural features the model that uses this vocabulary read after the terms.</summary>
    public int StructureLength { get; }

    /// <summary>Which grams the terms are: prediction must cut the text the same way.</summary>
    public GramSettings Grams { get; }

    TextVocabulary(IReadOnlyList<string> words, IReadOnlyList<string> chars, int structureLength, GramSettings grams)
    {
        Grams = grams;
        Terms = [.. words, .. chars];
        WordCount = words.Count;
        StructureLength = structureLength;
        var capacity = (int)Math.Max(16, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)(Terms.Count * 2)));
        _keys = new ulong[capacity];
        _slots = new int[capacity];
        _mask = capacity - 1;
        for (var i = 0; i < Terms.Count; i++)
        {
            var key = TermKeys.Of(i < WordCount ? 'w' : 'c', Terms[i]);
            var slot = (int)(TermKeys.Mix(key) & (uint)_mask);
            while (_keys[slot] != 0)
            {
                if (_keys[slot] == key)
                    throw new InvalidDataException($"The vocabulary holds the term '{Terms[i]}' twice, or two terms of one key.");
                slot = (slot + 1) & _mask;
            }
            _keys[slot] = key;
            _slots[slot] = i;
        }
    }

    /// <summary>The index of the term of <paramref name="key"/>, or -1 when the model never learned it.</summary>
    public int IndexOf(ulong key)
    {
        var slot = (int)(TermKeys.Mix(key) & (uint)_mask);
        while (true)
        {
            var k = _keys[slot];
            if (k == key)
                return _slots[slot];
            if (k == 0)
                return -1;
            slot = (slot + 1) & _mask;
        }
    }

    /// <summary>The vocabulary of a training set: the terms of at least <paramref name="minimumCount"/> of its messages.</summary>
    public static TextVocabulary Build(IEnumerable<MessageFeatures> messages, int minimumCount, int structureLength, GramSettings grams)
    {
        var documents = new Dictionary<ulong, (string Text, int Count)>();
        var seen = new HashSet<ulong>();
        var found = new List<Gram>();
        var settings = grams;
        foreach (var m in messages)
        {
            seen.Clear();
            found.Clear();
            TermKeys.Words(m.Words, found, settings.Words);
            var wordGrams = found.Count;
            TermKeys.Chars(m.Chars, found, settings.CharsFrom, settings.CharsTo);
            for (var g = 0; g < found.Count; g++)
            {
                var gram = found[g];
                if (!seen.Add(gram.Key))
                    continue;
                documents[gram.Key] = documents.TryGetValue(gram.Key, out var d)
                    ? (d.Text, d.Count + 1)
                    : ((g < wordGrams ? m.Words : m.Chars).Substring(gram.Start, gram.Length), 1);
            }
        }
        var kept = documents.Where(d => d.Value.Count >= minimumCount).ToList();
        var words = kept.Where(d => TermKeys.IsWord(d.Key)).Select(d => d.Value.Text).Order(StringComparer.Ordinal).ToList();
        var chars = kept.Where(d => !TermKeys.IsWord(d.Key)).Select(d => d.Value.Text).Order(StringComparer.Ordinal).ToList();
        return new TextVocabulary(words, chars, structureLength, grams);
    }

    public void Write(TextWriter writer)
    {
        writer.Write($"{Header}: {WordCount} word terms, {Count - WordCount} character terms, {StructureLength} structural features\n");
        writer.Write(Grams.Line + "\n");
        for (var i = 0; i < Count; i++)
            writer.Write($"{(i < WordCount ? 'w' : 'c')}\t{Terms[i]}\n");
    }

    public static TextVocabulary Read(TextReader reader)
    {
        var header = reader.ReadLine();
        // "…, 30 structural features": the number of the last part.
        var last = header is not null && header.StartsWith(Header, StringComparison.Ordinal) ? header[(header.LastIndexOf(", ", StringComparison.Ordinal) + 2)..].Split(' ') : [];
        var structure = last.Length == 3 && last[1] == "structural" && int.TryParse(last[0], out var n) ? n : -1;
        if (structure < 0)
            throw new InvalidDataException("The content model's vocabulary does not start with its header; it was not written by `outpost policy train`.");
        var grams = GramSettings.Parse(reader.ReadLine());
        List<string> words = [], chars = [];
        for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (line.Length < 2 || line[1] != '\t' || line[0] is not ('w' or 'c'))
                throw new InvalidDataException($"The content model's vocabulary has a line that is not a term: '{line}'.");
            (line[0] == 'w' ? words : chars).Add(line[2..]);
        }
        return new TextVocabulary(words, chars, structure, grams);
    }

    /// <summary>A zeroed array of one count per term, for one prediction; give it back zeroed with <see cref="Return"/>.</summary>
    internal float[] Rent() => _counts.TryTake(out var counts) ? counts : new float[Count];

    internal void Return(float[] counts)
    {
        if (_counts.Count < Environment.ProcessorCount * 2)
            _counts.Add(counts);
    }
}
