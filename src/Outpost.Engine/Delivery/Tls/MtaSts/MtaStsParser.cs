using System.Globalization;

namespace Outpost.Engine.Delivery.Tls.MtaSts;

/// <summary>
/// Reads the two texts of MTA-STS strictly: the <c>_mta-sts</c> TXT record (RFC 8461 §3.1) and the policy
/// file (§3.2). Anything the grammar does not allow makes the whole text invalid, with a sentence saying
/// why: a sender must then act as if the domain had no policy (or keep a cached one), never guess.
/// </summary>
public static class MtaStsParser
{
    /// <summary>A year, the longest max_age the RFC allows (31557600 seconds).</summary>
    public static readonly TimeSpan MaxAgeLimit = TimeSpan.FromSeconds(31_557_600);

    /// <summary>Patterns a policy may list; real ones list a handful.</summary>
    public const int MaxMxPatterns = 100;

    /// <summary>
    /// The id of the one STSv1 record among <paramref name="records"/> (records that do not start with
    /// "v=STSv1" are ignored), or an error when there is none, more than one, or it is malformed.
    /// </summary>
    public static (string? Id, string? Error) RecordId(IReadOnlyList<string> records)
    {
        var sts = records.Where(r => r.StartsWith("v=STSv1", StringComparison.Ordinal)).ToList();
        if (sts.Count == 0)
            return (null, "no MTA-STS record");
        if (sts.Count > 1)
            return (null, "more than one MTA-STS record");
        string? id = null;
        var fields = sts[0].Split(';');
        for (var i = 0; i < fields.Length; i++)
        {
            var field = fields[i].Trim(' ', '\t');
            if (field.Length == 0 && i == fields.Length - 1)
                break;
            var eq = field.IndexOf('=');
            if (eq <= 0)
                return (null, $"the MTA-STS record has a malformed field '{field}'");
            var (key, value) = (field[..eq], field[(eq + 1)..]);
            if (i == 0 && (key != "v" || value != "STSv1"))
                return (null, "the MTA-STS record does not start with v=STSv1");
            if (key == "id")
            {
                if (value.Length is 0 or > 32 || !value.All(char.IsAsciiLetterOrDigit))
                    return (null, "the MTA-STS record's id is not 1 to 32 letters and digits");
                id = value;
            }
        }
        return id is null ? (null, "the MTA-STS record has no id") : (id, null);
    }

    /// <summary>The policy in <paramref name="text"/>, fetched under record id <paramref name="id"/>, or why it is invalid.</summary>
    public static (MtaStsPolicy? Policy, string? Error) Policy(string text, string id)
    {
        string? version = null, mode = null, maxAge = null;
        var mx = new List<string>();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].EndsWith('\r') ? lines[i][..^1] : lines[i];
            if (line.Length == 0)
            {
                // Only a final line break may leave an empty line.
                if (lines.Skip(i + 1).All(l => l.Length == 0 || l == "\r"))
                    break;
                return (null, $"line {i + 1} of the policy is empty");
            }
            var colon = line.IndexOf(':');
            if (colon <= 0)
                return (null, $"line {i + 1} of the policy is not 'key: value'");
            var key = line[..colon];
            var value = line[(colon + 1)..].Trim(' ', '\t');
            if (!key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
                return (null, $"line {i + 1} of the policy has a malformed key");
            switch (key)
            {
                case "version":
                    if (version is not null)
                        return (null, "the policy gives its version twice");
                    version = value;
                    break;
                case "mode":
                    if (mode is not null)
                        return (null, "the policy gives its mode twice");
                    mode = value;
                    break;
                case "max_age":
                    if (maxAge is not null)
                        return (null, "the policy gives max_age twice");
                    maxAge = value;
                    break;
                case "mx":
                    if (!MxPattern.IsValid(value))
                        return (null, $"the policy's mx '{value}' is not a host name or *. and a domain");
                    if (mx.Count == MaxMxPatterns)
                        return (null, $"the policy lists more than {MaxMxPatterns} mx patterns");
                    mx.Add(value.TrimEnd('.').ToLowerInvariant());
                    break;
                // Other keys are extensions (RFC 8461 §3.2): ignored.
            }
        }
        if (version != "STSv1")
            return (null, version is null ? "the policy has no version" : $"the policy's version is {version}, not STSv1");
        var parsedMode = mode switch
        {
            "enforce" => MtaStsMode.Enforce,
            "testing" => MtaStsMode.Testing,
            "none" => MtaStsMode.None,
            _ => (MtaStsMode?)null,
        };
        if (parsedMode is null)
            return (null, mode is null ? "the policy has no mode" : $"the policy's mode '{mode}' is not enforce, testing or none");
        if (maxAge is null || maxAge.Length is 0 or > 10 || !maxAge.All(char.IsAsciiDigit))
            return (null, "the policy's max_age is not a number of seconds");
        var seconds = long.Parse(maxAge, CultureInfo.InvariantCulture);
        if (parsedMode != MtaStsMode.None && mx.Count == 0)
            return (null, "the policy names no mx");
        var age = TimeSpan.FromSeconds(Math.Min(seconds, (long)MaxAgeLimit.TotalSeconds));
        return (new MtaStsPolicy(id, parsedMode.Value, mx, age), null);
    }
}
