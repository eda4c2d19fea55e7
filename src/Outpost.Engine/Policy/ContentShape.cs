namespace Outpost.Engine.Policy;

/// <summary>
/// The shape of a message beside its words, as the classifier's structural features read it: which
/// kinds of text parts it has, how much of its HTML is markup and how much of its text sits in links,
/// how many sites it links to, and its attachments by kind (document, image, calendar, archive, other).
/// </summary>
public sealed record ContentShape(bool HasHtml, bool HasPlain, int HtmlLength, int LinkTextLength, int LinkDomains, IReadOnlyList<string> Attachments)
{
    public static readonly ContentShape None = new(false, true, 0, 0, 0, []);
}
