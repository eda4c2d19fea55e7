namespace Outpost.Engine.Policy.Model;

/// <summary>
/// The classifier's structural features, in the order of the model's <c>Structure</c> vector. Each is
/// scaled to about 0..1 so that it weighs like the (L2-normalised) word and character features, and
/// each has the words an explanation uses when it weighed in a verdict.
/// </summary>
public enum StructureFeature
{
    ListUnsubscribe,
    ListId,
    PrecedenceBulk,
    FeedbackId,
    Links,
    LinkDomains,
    Images,
    TrackingPixel,
    HtmlOnly,
    MarkupShare,
    LinkTextShare,
    MoneyAmounts,
    PercentOff,
    CodeTokens,
    CodeNearCodeWord,
    TextLength,
    ShortText,
    SubjectLength,
    SubjectShouting,
    Exclamations,
    DocumentAttachment,
    ImageAttachment,
    ArchiveAttachment,
    Reply,
    ProhibitedPhrases,
    PromotionalPhrases,
    UnsubscribeWording,
    CodeWording,
    MessengerOrCrypto,
    ReplyToElsewhere,
}
