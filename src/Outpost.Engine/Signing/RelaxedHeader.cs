using System.Text;

namespace Outpost.Engine.Signing;

/// <summary>
/// DKIM's relaxed header canonicalisation (RFC 6376 §3.4.2): the name lower-cased; the value unfolded,
/// runs of spaces and tabs made one space, and trimmed; "name:value".
/// </summary>
public static class RelaxedHeader
{
    public static void Append(List<byte> output, string field, ReadOnlySpan<byte> rawValue, bool finalCrlf)
    {
        foreach (var c in field.Trim())
            output.Add((byte)char.ToLowerInvariant(c));
        output.Add((byte)':');
        var start = output.Count;
        var space = false;
        foreach (var b in rawValue)
        {
            if (b is (byte)'\r' or (byte)'\n')
                continue;
            if (b is (byte)' ' or (byte)'\t')
            {
                space = true;
                continue;
            }
            if (space && output.Count > start)
                output.Add((byte)' ');
            space = false;
            output.Add(b);
        }
        if (finalCrlf)
        {
            output.Add((byte)'\r');
            output.Add((byte)'\n');
        }
    }

    public static void Append(List<byte> output, string field, string value, bool finalCrlf) =>
        Append(output, field, Encoding.UTF8.GetBytes(value), finalCrlf);
}
