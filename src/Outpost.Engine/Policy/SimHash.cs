using System.IO.Hashing;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
    public static ulong Compute(string text, out int features) => ComputeLower(text.ToLowerInvariant(), out features);

    /// <summary>The fingerprint of text that is lower-cased already.</summary>
    public static ulong ComputeLower(ReadOnlySpan<char> lower, out int features)
    {
        // Per byte of a feature's hash, a vector of eight counters (one per bit): eight vector adds per
        // feature instead of 64 scalar ones. A bit's weight is (features with it set) − (without).
        Span<Vector256<int>> counts = stackalloc Vector256<int>[8];
        counts.Clear();
        features = 0;
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
                Add(counts, word, ref features);
                if (havePrevious)
                    Add(counts, Pair(previousWord, word), ref features);
                previousWord = word;
                havePrevious = true;
                wordStart = -1;
            }
            if (cjk)
            {
                if (previousCjk != '\0')
                {
                    Span<char> pair = [previousCjk, c];
                    Add(counts, Hash(pair), ref features);
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
            if (2 * counts[bit / 8].GetElement(bit % 8) - features > 0)
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

    static void Add(Span<Vector256<int>> counts, ulong hash, ref int features)
    {
        features++;
        for (var b = 0; b < 8; b++)
            counts[b] += BitsOfByte[(int)(hash >> (8 * b)) & 0xFF];
    }

    /// <summary>For each byte value, eight lanes of 0 or 1: its bits, lowest first.</summary>
    static readonly Vector256<int>[] BitsOfByte = Enumerable.Range(0, 256)
        .Select(value => Vector256.Create(Enumerable.Range(0, 8).Select(bit => (value >> bit) & 1).ToArray()))
        .ToArray();
}
