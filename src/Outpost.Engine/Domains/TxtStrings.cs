using System.Text;

namespace Outpost.Engine.Domains;

/// <summary>TXT records hold strings of at most 255 bytes; a longer value (a DKIM key) is split into several.</summary>
public static class TxtStrings
{
    public static IReadOnlyList<string> Split(string value, int max = 255)
    {
        var parts = new List<string>();
        var bytes = Encoding.ASCII.GetBytes(value);
        for (var i = 0; i < bytes.Length; i += max)
            parts.Add(Encoding.ASCII.GetString(bytes, i, Math.Min(max, bytes.Length - i)));
        return parts.Count == 0 ? [""] : parts;
    }

    /// <summary>As lines of a BIND zone file: ( "part one" "part two" ).</summary>
    public static string ForZoneFile(string value)
    {
        var parts = Split(value);
        return parts.Count == 1 ? $"\"{parts[0]}\"" : "( " + string.Join(" ", parts.Select(p => $"\"{p}\"")) + " )";
    }
}
