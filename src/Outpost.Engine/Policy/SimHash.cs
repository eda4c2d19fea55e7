using System.IO.Hashing;
using System.Text;

namespace Outpost.Engine.Policy;

/// <summary>
/// A 64-bit SimHash over a message's normalised text: near-duplicates (the same blast with a name or
/// a number changed) differ in a few bits. Latin text gives its words and word pairs as features (a
/// changed name touches three of them); Chinese, which has no spaces, its character pairs. Digits are
/// dropped, so order numbers and dates do not make copies look new.
/// </summary>
public static class SimHash
{
    public static ulong Compute(string text, out int features)
    {
        Span<int> weights = stackalloc int[64];
        features = 0;
        foreach (var shingle in Shingles(text))
        {
            features++;
            var hash = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(shingle));
            for (var bit = 0; bit < 64; bit++)
                weights[bit] += ((hash >> bit) & 1) == 1 ? 1 : -1;
        }
        ulong result = 0;
        for (var bit = 0; bit < 64; bit++)
            if (weights[bit] > 0)
                result |= 1UL << bit;
        return result;
    }

    public static int Distance(ulong a, ulong b) => System.Numerics.BitOperations.PopCount(a ^ b);

    static IEnumerable<string> Shingles(string text)
    {
        var words = new List<string>();
        var cjk = new StringBuilder();
        var word = new StringBuilder();
        foreach (var c in text.ToLowerInvariant())
        {
            if (c >= 0x2E80 && c <= 0x9FFF)
            {
                Flush(word, words);
                cjk.Append(c);
            }
            else if (char.IsLetter(c))
            {
                word.Append(c);
            }
            else
            {
                Flush(word, words);
            }
        }
        Flush(word, words);
        foreach (var w in words)
            yield return w;
        for (var i = 0; i + 1 < words.Count; i++)
            yield return words[i] + " " + words[i + 1];
        for (var i = 0; i + 1 < cjk.Length; i++)
            yield return cjk.ToString(i, 2);
    }

    static void Flush(StringBuilder word, List<string> words)
    {
        if (word.Length > 0)
            words.Add(word.ToString());
        word.Clear();
    }
}
