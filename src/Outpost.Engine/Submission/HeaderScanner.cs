using System.Text;

namespace Outpost.Engine.Submission;

/// <summary>
/// Watches the header block of a message as it streams by, line by line, so the spool writer can add
/// Date and Message-ID where they are missing (RFC 5322 requires Date; Message-ID is expected), the
/// send log can show the subject, and the Message-ID is recorded (complaints are matched by it),
/// without ever holding the message in memory.
/// </summary>
public sealed class HeaderScanner
{
    const int MaxSubject = 998;
    const int MaxMessageId = 998;
    readonly StringBuilder _subject = new();
    readonly StringBuilder _messageId = new();
    bool _inSubject;
    bool _inMessageId;

    public bool InHeaders { get; private set; } = true;
    public bool HasDate { get; private set; }
    public bool HasMessageId { get; private set; }
    public bool HasFrom { get; private set; }

    /// <summary>Whether a header line (a field or its continuation) had a byte above 127: UTF-8 that needs SMTPUTF8.</summary>
    public bool HasEightBit { get; private set; }

    /// <summary>The raw Subject value (possibly RFC 2047 encoded), unfolded.</summary>
    public string? RawSubject => _subject.Length > 0 || _sawSubject ? _subject.ToString().Trim() : null;
    bool _sawSubject;

    /// <summary>The first Message-ID's raw value, unfolded (brackets and all), or null when there is none.</summary>
    public string? RawMessageId => HasMessageId ? _messageId.ToString().Trim() : null;

    public HeaderLineKind Observe(ReadOnlySpan<byte> line)
    {
        if (!InHeaders)
            return HeaderLineKind.Body;
        if (line.IsEmpty)
        {
            InHeaders = false;
            return HeaderLineKind.EndOfHeaders;
        }
        var eightBit = line.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0;
        if (line[0] is (byte)' ' or (byte)'\t')
        {
            HasEightBit |= eightBit;
            if (_inSubject)
                AppendSubject(line);
            else if (_inMessageId)
                Append(_messageId, line, MaxMessageId);
            return HeaderLineKind.Header;
        }
        var colon = line.IndexOf((byte)':');
        if (colon <= 0 || !IsFieldName(line[..colon]))
        {
            InHeaders = false;
            return HeaderLineKind.BodyWithoutSeparator;
        }
        HasEightBit |= eightBit;
        var name = line[..colon];
        _inSubject = false;
        _inMessageId = false;
        if (name.Length == 4 && Ascii.EqualsIgnoreCase(name, "Date"u8))
            HasDate = true;
        else if (name.Length == 10 && Ascii.EqualsIgnoreCase(name, "Message-ID"u8))
        {
            if (!HasMessageId)
            {
                _inMessageId = true;
                Append(_messageId, line[(colon + 1)..], MaxMessageId);
            }
            HasMessageId = true;
        }
        else if (name.Length == 4 && Ascii.EqualsIgnoreCase(name, "From"u8))
            HasFrom = true;
        else if (name.Length == 7 && Ascii.EqualsIgnoreCase(name, "Subject"u8) && !_sawSubject)
        {
            _sawSubject = true;
            _inSubject = true;
            AppendSubject(line[(colon + 1)..]);
        }
        return HeaderLineKind.Header;
    }

    void AppendSubject(ReadOnlySpan<byte> text) => Append(_subject, text, MaxSubject);

    static void Append(StringBuilder value, ReadOnlySpan<byte> text, int max)
    {
        if (value.Length >= max)
            return;
        var take = text[..Math.Min(text.Length, max - value.Length)];
        value.Append(Encoding.UTF8.GetString(take));
    }

    // RFC 5322 §3.6.8: printable US-ASCII except colon.
    static bool IsFieldName(ReadOnlySpan<byte> name)
    {
        foreach (var b in name)
            if (b is < 33 or > 126)
                return false;
        return true;
    }
}
