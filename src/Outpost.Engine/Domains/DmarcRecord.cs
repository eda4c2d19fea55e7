namespace Outpost.Engine.Domains;

/// <summary>Checks a DMARC record (RFC 7489 §6.3): v=DMARC1 first, a valid p=, and well-formed tags.</summary>
public static class DmarcRecord
{
    public static bool IsDmarc(string txt) => txt.TrimStart().StartsWith("v=DMARC1", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when the record is valid, else what is wrong with it.</summary>
    public static string? Problem(string txt)
    {
        var tags = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var parts = txt.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < parts.Length; i++)
        {
            var eq = parts[i].IndexOf('=');
            if (eq <= 0)
                return $"'{parts[i]}' is not a tag=value pair";
            var name = parts[i][..eq].Trim();
            var value = parts[i][(eq + 1)..].Trim();
            if (i == 0 && !(name.Equals("v", StringComparison.OrdinalIgnoreCase) && value == "DMARC1"))
                return "it must start with v=DMARC1";
            if (!tags.TryAdd(name, value))
                return $"the tag {name} appears twice";
        }
        if (!tags.TryGetValue("p", out var policy))
            return "it has no policy (p=)";
        if (policy.ToLowerInvariant() is not ("none" or "quarantine" or "reject"))
            return $"the policy p={policy} is not none, quarantine or reject";
        if (tags.TryGetValue("sp", out var sp) && sp.ToLowerInvariant() is not ("none" or "quarantine" or "reject"))
            return $"the subdomain policy sp={sp} is not none, quarantine or reject";
        if (tags.TryGetValue("pct", out var pct) && !(int.TryParse(pct, out var n) && n is >= 0 and <= 100))
            return $"pct={pct} is not a number from 0 to 100";
        foreach (var uriTag in new[] { "rua", "ruf" })
            if (tags.TryGetValue(uriTag, out var uris) && uris.Split(',').Any(u => !u.Trim().StartsWith("mailto:", StringComparison.OrdinalIgnoreCase)))
                return $"{uriTag}= must list mailto: addresses";
        return null;
    }
}
