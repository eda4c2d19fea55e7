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
    public string Lower { get; } = string.Create(Subject.Length + 1 + Text.Length, (Subject, Text), static (span, parts) =>
    {
        // One allocation, lower-cased in place: the text can be 65,536 characters.
        parts.Subject.AsSpan().ToLowerInvariant(span);
        span[parts.Subject.Length] = '\n';
        parts.Text.AsSpan().ToLowerInvariant(span[(parts.Subject.Length + 1)..]);
    });

    /// <summary>Parts, markup, link sites and attachments (see <see cref="ContentShape"/>).</summary>
    public ContentShape Shape { get; init; } = ContentShape.None;

    /// <summary><see cref="Lower"/> cut into words, once for every phrase list.</summary>
    public PhraseText Words => _words ??= new PhraseText(Lower);
    PhraseText? _words;
}
