namespace Outpost.Engine.Domains.Spf;

/// <summary>A parsed SPF record (RFC 7208 §4.6): its terms in order, or the syntax error that makes it a permerror.</summary>
public sealed class SpfRecord
{
    static readonly string[] Mechanisms = ["all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"];

    public IReadOnlyList<SpfTerm> Terms { get; }

    SpfRecord(IReadOnlyList<SpfTerm> terms) => Terms = terms;

    public static bool IsSpf(string txt) =>
        txt.StartsWith("v=spf1", StringComparison.OrdinalIgnoreCase) && (txt.Length == 6 || txt[6] == ' ');

    public SpfTerm? Redirect => Terms.FirstOrDefault(t => t.IsModifier && t.Name == "redirect");

    public static SpfRecord? Parse(string text, out string? error)
    {
        error = null;
        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || !parts[0].Equals("v=spf1", StringComparison.OrdinalIgnoreCase))
        {
            error = "it does not start with v=spf1";
            return null;
        }
        var terms = new List<SpfTerm>();
        foreach (var part in parts.Skip(1))
        {
            var eq = part.IndexOf('=');
            var colon = part.IndexOf(':');
            var slash = part.IndexOf('/');
            if (eq > 0 && (colon < 0 || eq < colon) && (slash < 0 || eq < slash) && char.IsAsciiLetter(part[0]))
            {
                var name = part[..eq].ToLowerInvariant();
                if (terms.Any(t => t.IsModifier && t.Name == name) && name is "redirect" or "exp")
                {
                    error = $"the modifier {name}= appears twice";
                    return null;
                }
                terms.Add(new SpfTerm('+', name, part[(eq + 1)..], true));
                continue;
            }
            var qualifier = part[0] is '+' or '-' or '~' or '?' ? part[0] : '+';
            var body = part[0] is '+' or '-' or '~' or '?' ? part[1..] : part;
            var end = body.IndexOfAny([':', '/']);
            var mechanism = (end < 0 ? body : body[..end]).ToLowerInvariant();
            if (!Mechanisms.Contains(mechanism))
            {
                error = $"'{part}' is not an SPF mechanism";
                return null;
            }
            string? argument = end < 0 ? null : body[end] == ':' ? body[(end + 1)..] : body[end..];
            if (mechanism is "include" or "exists" or "ip4" or "ip6" && string.IsNullOrEmpty(argument))
            {
                error = $"'{part}' needs an argument";
                return null;
            }
            if (mechanism == "all" && argument is not null)
            {
                error = $"'{part}' takes no argument";
                return null;
            }
            terms.Add(new SpfTerm(qualifier, mechanism, argument, false));
        }
        return new SpfRecord(terms);
    }
}
