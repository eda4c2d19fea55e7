namespace Outpost.Engine.Policy;

/// <summary>Pornographic, violent or otherwise illegal content: any phrase of the (deliberately unambiguous) list.</summary>
public sealed class ProhibitedCheck(PhraseList phrases) : IContentCheck
{
    public ClassResult Check(MessageContent content)
    {
        var found = phrases.Find(content.Words);
        return new ClassResult(ContentClass.Prohibited, found.Count > 0, found.Count,
            found.Count > 0 ? [$"prohibited wording ({string.Join(", ", found.Take(3))})"] : []);
    }
}
