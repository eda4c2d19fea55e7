namespace Outpost.Smtp.Client;

/// <summary>
/// The sending side of DATA transparency (RFC 5321 §4.5.2): a dot that begins a line gets a second
/// dot in front, and the message ends with CRLF before the final dot line. A line begins after any LF,
/// bare or not, so no byte sequence in a message can ever end it early at a receiver that accepts bare
/// line ends (no smuggling through Outpost). Fed in chunks; the state between chunks is one flag.
/// </summary>
public sealed class DotStuffer
{
    bool _lineStart = true;
    byte _beforeLast, _last;
    bool _any;

    /// <summary>The most a chunk can grow: every byte a line feed followed by a dot.</summary>
    public static int MaxOutput(int inputLength) => inputLength * 2 + 2;

    /// <summary>Copies <paramref name="input"/> to <paramref name="output"/> stuffed; returns the bytes written.</summary>
    public int Stuff(ReadOnlySpan<byte> input, Span<byte> output)
    {
        if (input.IsEmpty)
            return 0;
        var written = 0;
        if (_lineStart && input[0] == (byte)'.')
            output[written++] = (byte)'.';
        var rest = input;
        while (true)
        {
            var at = rest.IndexOf("\n."u8);
            if (at < 0)
            {
                rest.CopyTo(output[written..]);
                written += rest.Length;
                break;
            }
            rest[..(at + 1)].CopyTo(output[written..]);
            written += at + 1;
            output[written++] = (byte)'.';
            rest = rest[(at + 1)..];
        }
        _beforeLast = input.Length >= 2 ? input[^2] : _last;
        _last = input[^1];
        _lineStart = _last == (byte)'\n';
        _any = true;
        return written;
    }

    /// <summary>Writes what ends the message: CRLF when its last line has none, then the dot line (alone for an empty message). Needs 5 bytes.</summary>
    public int Finish(Span<byte> output)
    {
        var written = 0;
        if (_any && (_beforeLast != (byte)'\r' || _last != (byte)'\n'))
        {
            "\r\n"u8.CopyTo(output);
            written = 2;
        }
        ".\r\n"u8.CopyTo(output[written..]);
        return written + 3;
    }
}
