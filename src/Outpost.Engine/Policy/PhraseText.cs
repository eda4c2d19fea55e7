namespace Outpost.Engine.Policy;

/// <summary>
/// Lower-cased text cut into words once, so every phrase list is matched in one pass over the words
/// instead of one regular-expression scan per phrase. A word is a run of letters and digits; "%" is a
/// word of its own. Spaces, line breaks, hyphens, apostrophes and slashes join the words of a phrase;
/// other punctuation ends a clause, and a phrase never matches across it unless it has the same break.
/// </summary>
public sealed class PhraseText
{
    readonly List<PhraseToken> _tokens = [];

    public PhraseText(string lower)
    {
        Lower = lower;
        var span = lower.AsSpan();
        var pendingBreak = false;
        for (var i = 0; i < span.Length;)
        {
            var c = span[i];
            if (char.IsLetterOrDigit(c))
            {
                var start = i;
                var digits = true;
                while (i < span.Length && char.IsLetterOrDigit(span[i]))
                {
                    digits &= char.IsAsciiDigit(span[i]);
                    HasCjk |= span[i] >= Cjk;
                    i++;
                }
                var word = span[start..i];
                _tokens.Add(new PhraseToken(start, word.Length, string.GetHashCode(word), pendingBreak, digits && word.Length <= 3));
                pendingBreak = false;
                continue;
            }
            if (c == '%')
            {
                _tokens.Add(new PhraseToken(i, 1, PercentHash, pendingBreak, false));
                pendingBreak = false;
            }
            else if (!Joins(c))
            {
                pendingBreak = true;
                HasCjk |= c >= Cjk;
            }
            i++;
        }
    }

    /// <summary>The first character of the scripts matched by substring (Chinese has no spaces between words).</summary>
    public const char Cjk = '\u2E80';

    public string Lower { get; }

    /// <summary>Whether any character is at or above <see cref="Cjk"/>: only then are substring phrases looked for.</summary>
    public bool HasCjk { get; }

    public IReadOnlyList<PhraseToken> Tokens => _tokens;

    public ReadOnlySpan<char> Word(PhraseToken token) => Lower.AsSpan(token.Start, token.Length);

    internal static readonly int PercentHash = string.GetHashCode("%".AsSpan());

    static bool Joins(char c) => char.IsWhiteSpace(c) || c is '-' or '\'' or '/' or '\u2019' or '\u2018' or '\u2010' or '\u2011' or '\u2013';
}
