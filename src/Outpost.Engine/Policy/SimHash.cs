using System.IO.Hashing;
using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;

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
    public static ulong Compute(string text, out int features) =>
        ComputeLower(text.Length > MaxChars ? text[..MaxChars].ToLowerInvariant() : text.ToLowerInvariant(), out features);

    /// <summary>
    /// How much text the fingerprint reads: copies of a blast are one template from the first line, so
    /// the first 32,768 characters tell them apart as well as the whole; a long text costs no more.
    /// </summary>
    public const int MaxChars = 32_768;

    /// <summary>The fingerprint of text that is lower-cased already (its first <see cref="MaxChars"/> characters).</summary>
    public static ulong ComputeLower(ReadOnlySpan<char> lower, out int features)
    {
        if (lower.Length > MaxChars)
            lower = lower[..MaxChars];
        var tally = new BitTally();
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
                tally.Add(word);
                if (havePrevious)
                    tally.Add(Pair(previousWord, word));
                previousWord = word;
                havePrevious = true;
                wordStart = -1;
            }
            if (cjk)
            {
                if (previousCjk != '\0')
                {
                    Span<char> pair = [previousCjk, c];
                    tally.Add(Hash(pair));
                }
                previousCjk = c;
            }
            else
            {
                previousCjk = '\0';
            }
        }

        features = tally.Features;
        return tally.Fingerprint();
    }

    public static int Distance(ulong a, ulong b) => BitOperations.PopCount(a ^ b);

    static ulong Hash(ReadOnlySpan<char> chars) => XxHash64.HashToUInt64(MemoryMarshal.AsBytes(chars));

    static ulong Pair(ulong a, ulong b)
    {
        Span<ulong> both = [a, b];
        return XxHash64.HashToUInt64(MemoryMarshal.AsBytes(both));
    }

    /// <summary>
    /// For each of the 64 bits, how many features had it set; a bit of the fingerprint is set when more
    /// features have it than not. Per byte of a hash, eight byte-wide counters packed in one ulong take
    /// the byte's bits in a single add (a table spreads them); they are emptied into ints before a byte
    /// could overflow. Eight adds a feature instead of 64.
    /// </summary>
    struct BitTally
    {
        Lanes _lanes;
        Totals _totals;
        int _pending;

        public int Features { get; private set; }

        public void Add(ulong hash)
        {
            Features++;
            for (var b = 0; b < 8; b++)
                _lanes[b] += Spread[(int)(hash >> (8 * b)) & 0xFF];
            if (++_pending == 255)
                Flush();
        }

        void Flush()
        {
            for (var b = 0; b < 8; b++)
            {
                for (var j = 0; j < 8; j++)
                    _totals[8 * b + j] += (int)((_lanes[b] >> (8 * j)) & 0xFF);
                _lanes[b] = 0;
            }
            _pending = 0;
        }

        public ulong Fingerprint()
        {
            Flush();
            ulong result = 0;
            for (var bit = 0; bit < 64; bit++)
                if (2 * _totals[bit] - Features > 0)
                    result |= 1UL << bit;
            return result;
        }
    }

    [InlineArray(8)]
    struct Lanes
    {
        ulong _first;
    }

    [InlineArray(64)]
    struct Totals
    {
        int _first;
    }

    /// <summary>For each byte value, its bits spread to the lowest bit of eight bytes, lowest first.</summary>
    static readonly ulong[] Spread = Enumerable.Range(0, 256)
        .Select(value => Enumerable.Range(0, 8).Aggregate(0UL, (spread, bit) => spread | ((ulong)((value >> bit) & 1) << (8 * bit))))
        .ToArray();
}
