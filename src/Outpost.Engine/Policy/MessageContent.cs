namespace Outpost.Engine.Policy;

/// <summary>
/// What the content checks see of a message: its subject and readable text (text and HTML parts,
/// decoded from base64, quoted-printable and RFC 2047), and the shape of its HTML.
/// </summary>
public sealed record MessageContent(
    string Subject,
    string Text,
    IReadOnlyDictionary<string, string> Headers,
    int Links,
    int Images,
    int TrackingPixels,
    long Size)
{
    /// <summary>Subject and text, lower-cased, the form phrase lists are matched against.</summary>
    public string Lower { get; } = (Subject + "\n" + Text).ToLowerInvariant();

    /// <summary><see cref="Lower"/> cut into words, once for every phrase list.</summary>
    public PhraseText Words => _words ??= new PhraseText(Lower);
    PhraseText? _words;
}
