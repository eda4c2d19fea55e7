using Outpost.Engine.Configuration;
using Outpost.Engine.Domains.Spf;

namespace Outpost.Engine.Domains;

/// <summary>
/// The SPF record to advise: the service's mechanism merged into the domain's existing record (before
/// its "all" or "redirect"), or a new record when there is none. Never a second SPF record.
/// </summary>
public static class SpfAdvice
{
    /// <summary>include:&lt;service domain&gt;, or ip4:/ip6: terms for the sending addresses when no include domain is set.</summary>
    public static IReadOnlyList<string> ServiceTerms(SendingOptions options) =>
        !string.IsNullOrWhiteSpace(options.SpfInclude)
            ? [$"include:{options.SpfInclude}"]
            : options.Addresses.Select(a => (a.Contains(':') ? "ip6:" : "ip4:") + a).ToList();

    public static string Record(SendingOptions options, string? existing) =>
        Merge(options, existing is null ? [] : [existing]);

    /// <summary>
    /// One record from all the domain's SPF records (a domain with two has a conflict): their terms in
    /// order without repeats, the service's terms, and the first record's ending ("all" or "redirect").
    /// </summary>
    public static string Merge(SendingOptions options, IReadOnlyList<string> existing)
    {
        var records = existing.Select(e => SpfRecord.Parse(e, out _)).OfType<SpfRecord>().ToList();
        if (records.Count == 0)
            return "v=spf1 " + string.Join(' ', ServiceTerms(options)) + " ~all";

        var terms = new List<string>();
        foreach (var term in records.SelectMany(r => r.Terms).Where(t => t.Name is not ("all" or "redirect")))
            if (!terms.Contains(term.ToString(), StringComparer.OrdinalIgnoreCase))
                terms.Add(term.ToString());
        foreach (var term in ServiceTerms(options))
            if (!terms.Contains(term, StringComparer.OrdinalIgnoreCase))
                terms.Add(term);
        var ending = records[0].Terms.FirstOrDefault(t => t.Name is "all" or "redirect")?.ToString() ?? "~all";
        return "v=spf1 " + string.Join(' ', terms) + " " + ending;
    }
}
