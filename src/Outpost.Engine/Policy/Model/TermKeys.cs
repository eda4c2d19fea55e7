using System.IO.Hashing;
using System.Numerics;
using System.Runtime.InteropServices;

namespace Outpost.Engine.Policy.Model;

/// <summary>
/// The text features of the content model and their keys: word n-grams of the normalised words
/// (<see cref="MessageFeatures.Words"/>, tokens split by spaces) and character n-grams of the normalised
/// characters (<see cref="MessageFeatures.Chars"/>, padded with a space at each end so that a word's
/// first and last letters make grams of their own); <see cref="GramSettings"/> says which lengths.
/// A gram's text is always a substring of its source — "first second" with the one space between — so
/// training reads the terms' texts, prediction reads only the keys, and both walk the text here, once.
/// Keys: three characters packed exactly; words and other lengths 62 bits of XxHash3, which over a
/// vocabulary of a million terms collide with odds of about one in ten million. The top two bits tell
/// words, word n-grams and characters apart, and no key is zero (the lookup table's empty slot).
/// </summary>
public static class TermKeys
{
    const ulong KindMask = 3UL << 62;
    const ulong UnigramKind = 1UL << 62;
    const ulong NgramKind = 2UL << 62;
    const ulong CharKind = 3UL << 62;

    /// <summary>Adds the word n-grams of up to <paramref name="longest"/> words of <paramref name="words"/> to <paramref name="grams"/>.</summary>
    public static void Words(string words, List<Gram> grams, int longest = 2)
    {
        var span = words.AsSpan();
        // The last few tokens' starts and hashes, newest first.
        Span<int> starts = stackalloc int[3];
        Span<ulong> hashes = stackalloc ulong[3];
        var seen = 0;
        var i = 0;
        while (i < span.Length)
        {
            if (span[i] == ' ')
            {
                i++;
                continue;
            }
            var start = i;
            while (i < span.Length && span[i] != ' ')
                i++;
            for (var k = Math.Min(seen, 2); k > 0; k--)
            {
                starts[k] = starts[k - 1];
                hashes[k] = hashes[k - 1];
            }
            starts[0] = start;
            hashes[0] = Hash(span[start..i]);
            seen++;
            grams.Add(new Gram(hashes[0] & ~KindMask | UnigramKind, start, i - start));
            var key = hashes[0];
            for (var n = 2; n <= longest && n <= seen; n++)
            {
                key = Next(hashes[n - 1], key, n);
                grams.Add(new Gram(key & ~KindMask | NgramKind, starts[n - 1], i - starts[n - 1]));
            }
        }
    }

    /// <summary>Adds the character n-grams of <paramref name="from"/> to <paramref name="to"/> characters of <paramref name="chars"/> (padded already) to <paramref name="grams"/>.</summary>
    public static void Chars(string chars, List<Gram> grams, int from = 3, int to = 3)
    {
        for (var n = from; n <= to; n++)
            for (var i = 0; i + n <= chars.Length; i++)
                grams.Add(new Gram(CharKey(chars.AsSpan(i, n)), i, n));
    }

    /// <summary>The key of a stored term: "w" with one to three words, or "c" with its characters.</summary>
    public static ulong Of(char kind, string term)
    {
        if (kind == 'c')
            return term.Length >= 2 ? CharKey(term) : throw new InvalidDataException($"A character term must have two characters or more: '{term}'.");
        var tokens = term.Split(' ');
        if (tokens.Length == 1)
            return Hash(term) & ~KindMask | UnigramKind;
        // Folded newest first, as Words folds them: the last word's hash, then each earlier one.
        var key = Hash(tokens[^1]);
        for (var n = 2; n <= tokens.Length; n++)
            key = Next(Hash(tokens[^n]), key, n);
        return key & ~KindMask | NgramKind;
    }

    public static bool IsWord(ulong key) => (key & KindMask) != CharKind;

    static ulong Hash(ReadOnlySpan<char> token) => XxHash3.HashToUInt64(MemoryMarshal.AsBytes(token));

    /// <summary>An n-gram's key from its first word's hash and the key of the words after it.</summary>
    static ulong Next(ulong first, ulong rest, int n) => Mix(BitOperations.RotateLeft(first, 23) * 0x9E3779B97F4A7C15UL ^ rest ^ (ulong)n);

    /// <summary>Three characters packed exactly; other lengths hashed (the packed ones use 48 of the 62 bits, so the two hardly meet).</summary>
    static ulong CharKey(ReadOnlySpan<char> chars) => chars.Length == 3
        ? CharKind | (ulong)chars[0] << 32 | (ulong)chars[1] << 16 | chars[2]
        : Hash(chars) & ~KindMask | CharKind;

    /// <summary>MurmurHash3's finaliser: every input bit moves every output bit.</summary>
    public static ulong Mix(ulong x)
    {
        x ^= x >> 33;
        x *= 0xFF51AFD7ED558CCDUL;
        x ^= x >> 33;
        x *= 0xC4CEB9FE1A85EC53UL;
        x ^= x >> 33;
        return x;
    }
}
