using System.Reflection;
using System.Text.RegularExpressions;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Bounces;

/// <summary>
/// Classifies remote replies by a rule table kept as data (<c>Bounces/Data/bounce-rules.txt</c>): the
/// reply code, the enhanced status code and the text decide whether a failure is temporary, about the
/// recipient, about the sending path (fail over to another channel), or about the content.
/// </summary>
public sealed class BounceClassifier
{
    sealed record Rule(BounceClass Class, string Code, string Enhanced, Regex? Text);

    readonly List<Rule> _rules = [];

    public BounceClassifier(IEnumerable<string> lines)
    {
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var parts = line.Split(" | ", 4);
            if (parts.Length != 4)
                throw new FormatException($"Bad bounce rule: {line}");
            var cls = parts[0] switch
            {
                "temporary" => BounceClass.Temporary,
                "permanent-recipient" => BounceClass.PermanentRecipient,
                "permanent-path" => BounceClass.PermanentPath,
                "permanent-content" => BounceClass.PermanentContent,
                "permanent" => BounceClass.Permanent,
                _ => throw new FormatException($"Unknown bounce class in: {line}"),
            };
            var text = parts[3].Trim();
            _rules.Add(new Rule(cls, parts[1].Trim(), parts[2].Trim(),
                text == "*" ? null : new Regex(text, RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled)));
        }
    }

    public static BounceClassifier Default { get; } = Load();

    static BounceClassifier Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var name = assembly.GetManifestResourceNames().Single(n => n.EndsWith(".Bounces.Data.bounce-rules.txt", StringComparison.Ordinal));
        using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
        return new BounceClassifier(reader.ReadToEnd().Split('\n'));
    }

    /// <summary>
    /// Whether a permanent failure says the address itself is gone (user unknown, mailbox disabled), so that
    /// no later mail should try it: a failure about the recipient, but not a full mailbox (5.2.2, 552, "quota"),
    /// which recovers, nor a problem with the sender's address (5.1.7, 5.1.8).
    /// </summary>
    public bool MeansAddressGone(int? code, string reply)
    {
        if (code is not { } c || c < 500 || c == 552 || Classify(c, reply) != BounceClass.PermanentRecipient)
            return false;
        var enhanced = RemoteReply.EnhancedIn(reply);
        if (enhanced is "5.2.2" or "5.1.7" or "5.1.8")
            return false;
        return enhanced is not null || !Regex.IsMatch(reply, "full|quota|storage", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    }

    /// <summary>The class of a reply such as "550 5.7.1 Service unavailable; client host blocked using zen.spamhaus.org".</summary>
    public BounceClass Classify(int code, string reply)
    {
        if (code is >= 200 and < 300)
            return BounceClass.Delivered;
        var codeText = code.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var enhanced = RemoteReply.EnhancedIn(reply) ?? "";
        foreach (var rule in _rules)
        {
            if (!Matches(rule.Code, codeText))
                continue;
            if (rule.Enhanced != "*" && !enhanced.StartsWith(rule.Enhanced, StringComparison.Ordinal))
                continue;
            if (rule.Text is not null && !rule.Text.IsMatch(reply))
                continue;
            return rule.Class;
        }
        return code >= 500 ? BounceClass.Permanent : BounceClass.Temporary;
    }

    static bool Matches(string pattern, string code) =>
        pattern == "*" || pattern.Length == 3 && Enumerable.Range(0, 3).All(i => pattern[i] == 'x' || pattern[i] == code[i]);
}
