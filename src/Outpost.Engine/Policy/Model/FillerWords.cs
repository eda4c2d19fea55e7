namespace Outpost.Engine.Policy.Model;

/// <summary>
/// Words that may weigh in the model (spam and business mail use them in different measure) but explain
/// nothing to a person: "nur" and "kein" are true evidence of a drug offer's style, and useless as the
/// reason a sender reads. The explanation passes over them, and over n-grams made of them alone.
/// </summary>
public static class FillerWords
{
    static readonly HashSet<string> Words = new(StringComparer.Ordinal)
    {
        // English
        "a", "an", "the", "and", "or", "but", "to", "of", "in", "on", "at", "for", "with", "by", "from", "is", "are", "was", "be",
        "you", "your", "we", "our", "us", "i", "me", "my", "it", "its", "this", "that", "not", "no", "only", "just", "all", "any",
        "can", "will", "get", "now", "here", "there", "as", "if", "so", "do", "have", "has", "they", "them", "he", "she",
        // German
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "und", "oder", "aber", "zu", "von", "vom",
        "im", "am", "an", "auf", "für", "mit", "bei", "aus", "ist", "sind", "war", "sie", "du", "dich", "dir", "ihr", "ihre", "ihnen",
        "wir", "uns", "ich", "es", "nicht", "kein", "keine", "nur", "auch", "noch", "schon", "jetzt", "hier", "wie", "als", "wenn",
        "so", "zum", "zur", "man", "sich", "hat", "haben", "wird", "werden", "diese", "dieser", "dieses", "unser", "unsere", "ihren", "ihrem",
        // Chinese single characters
        "的", "了", "是", "在", "和", "我", "你", "您", "他", "她", "们", "有", "就", "也", "都", "请", "这", "那", "个", "与", "及", "或",
    };

    /// <summary>
    /// Whether every word of <paramref name="term"/> (space-separated; a subject's word with its "sbj" mark)
    /// is a filler word or a Latin word of one or two letters ("de", "ab").
    /// </summary>
    public static bool OnlyFiller(string term)
    {
        foreach (var token in term.Split(' '))
        {
            var word = token.StartsWith("sbj", StringComparison.Ordinal) && token.Length > 3 ? token[3..] : token;
            if (!Words.Contains(word) && !(word.Length <= 2 && word.All(char.IsAsciiLetter)))
                return false;
        }
        return true;
    }
}
