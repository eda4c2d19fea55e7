using System.Text.RegularExpressions;
using Outpost.Engine.Configuration;

namespace Outpost.Engine.Policy;

/// <summary>
/// Advertising and newsletters: list headers, unsubscribe wording, promotional phrases, discounts,
/// tracking pixels, many links or images with little text. Each signal adds to a score; no single
/// weak signal (a price, one promotional word) refuses business mail such as an invoice or an offer
/// a customer asked for.
/// </summary>
public sealed partial class MarketingCheck(PhraseList promotional, PhraseList unsubscribe, PolicyOptions options) : IContentCheck
{
    public ClassResult Check(MessageContent content)
    {
        var signals = new List<string>();
        double score = 0;
        void Add(double weight, string signal)
        {
            score += weight;
            signals.Add(signal);
        }

        if (content.Headers.ContainsKey("List-Unsubscribe"))
            Add(3, "List-Unsubscribe header");
        if (content.Headers.TryGetValue("Precedence", out var precedence) && precedence.Trim().ToLowerInvariant() is "bulk" or "list" or "junk")
            Add(3, $"Precedence: {precedence.Trim()}");
        if (unsubscribe.Find(content.Words) is { Count: > 0 } unsub)
            Add(2, $"unsubscribe wording ({string.Join(", ", unsub.Take(3))})");
        var promo = promotional.Find(content.Words);
        if (promo.Count > 0)
            Add(Math.Min(promo.Count, 4), $"promotional wording ({string.Join(", ", promo.Take(5))})");
        if (Discount().Match(content.Lower) is { Success: true } discount)
            Add(2, $"a discount ({discount.Value.Trim()})");
        if (content.TrackingPixels > 0)
            Add(2, "a tracking pixel");
        if (content.Links >= 8)
            Add(1, $"{content.Links} links");
        var words = content.Text.Length;
        if (content.Images >= 4 && words < 400)
            Add(2, $"{content.Images} images and little text");

        return new ClassResult(ContentClass.Marketing, score >= options.MarketingThreshold, score, signals);
    }

    [GeneratedRegex(@"(\d{1,2}\s?%\s?(off|rabatt|discount|reduziert)|-\s?\d{1,2}\s?%|[一二三四五六七八九\d]\s?折|减\s?\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex Discount();
}
