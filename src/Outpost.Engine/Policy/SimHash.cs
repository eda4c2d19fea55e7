using System.IO.Hashing;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Outpost.Engine.Policy;

/// <summary>
/// A 64-bit SimHash over a message's normalised text: near-duplicates (the same blast with a name or
/// a number changed) differ in a few bits. Latin text gives its words and word pairs as features (a
/// changed name touches three of them); Chinese, which has no spaces, its character pairs. Digits are
/// dropped, so order numbers and dates do not make copies look new. Words are hashed in place, without
/// allocating a string per feature: this runs on every external message.
/// </summary>
public static class SimHash
{
    public static ulong Compute(string text, out int features)
    {
        Span<int> weights = stackalloc int[64];
        features = 0;
        var lower = text.ToLowerInvariant().AsSpan();
        ulong previousWord = 0;
        var havePrevious = false;
        var wordStart = -1;
        var previousCjk = '\0';

        for (var i = 0; i <= lower.Length; i++)
        {
            var c = i < lower.Length ? lower[i] : ' ';
            var cjk = c is >= '\u2E80' and <= '\u9FFF';
            if (!cjk && char.IsLetter(c))
            {
                if (wordStart < 0)
                    wordStart = i;
                previousCjk = '\0';
                continue;
            }
            if (wordStart >= 0)
            {
                var word = Hash(lower[wordStart..i]);
                Add(weights, word, ref features);
                if (havePrevious)
                    Add(weights, Pair(previousWord, word), ref features);
                previousWord = word;
                havePrevious = true;
                wordStart = -1;
            }
            if (cjk)
            {
                if (previousCjk != '\0')
                {
                    Span<char> pair = [previousCjk, c];
                    Add(weights, Hash(pair), ref features);
                }
                previousCjk = c;
            }
            else
            {
                previousCjk = '\0';
            }
        }

        ulong result = 0;
        for (var bit = 0; bit < 64; bit++)
            if (weights[bit] > 0)
                result |= 1UL << bit;
        return result;
    }

    public static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    static ulong Hash(ReadOnlySpan<char> chars) => XxHash64.HashToUInt64(MemoryMarshal.AsBytes(chars));

    static ulong Pair(ulong a, ulong b)
    {
        Span<ulong> both = [a, b];
        return XxHash64.HashToUInt64(MemoryMarshal.AsBytes(both));
    }

    static void Add(Span<int> weights, ulong hash, ref int features)
    {
        features++;
        for (var bit = 0; bit < 64; bit++)
            weights[bit] += (int)((hash >> bit) & 1) * 2 - 1;
    }
}
