using System.Text;

namespace Outpost.Engine.Signing;

/// <summary>
/// The message exactly as it will be sent, seen by the DKIM signer: written through once, its header
/// block is kept (to pick and canonicalise the signed fields) and its body goes straight into the
/// relaxed body hash, so a 25 MB body is never held in memory.
/// </summary>
public sealed class SignedMessageView : WriteOnlyStream
{
    readonly MemoryStream _header = new();
    readonly RelaxedBodyHash _body = new();
    uint _last4;
    bool _inBody;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_inBody)
        {
            _body.Write(buffer);
            return;
        }
        for (var i = 0; i < buffer.Length; i++)
        {
            _last4 = (_last4 << 8) | buffer[i];
            if (_last4 == 0x0D0A0D0A)
            {
                _header.Write(buffer[..(i + 1)]);
                _inBody = true;
                _body.Write(buffer[(i + 1)..]);
                return;
            }
        }
        _header.Write(buffer);
    }

    /// <summary>The header fields, top to bottom: the name and the raw value after the colon (folds included).</summary>
    public IReadOnlyList<(string Name, byte[] RawValue)> Fields()
    {
        var bytes = _header.GetBuffer().AsSpan(0, (int)_header.Length);
        var fields = new List<(string, byte[])>();
        var start = 0;
        while (start < bytes.Length)
        {
            // A field runs to the CRLF not followed by a space or tab.
            var end = start;
            while (true)
            {
                var crlf = bytes[end..].IndexOf("\r\n"u8);
                if (crlf < 0)
                {
                    end = bytes.Length;
                    break;
                }
                end += crlf + 2;
                if (end >= bytes.Length || bytes[end] is not ((byte)' ' or (byte)'\t'))
                    break;
            }
            var field = bytes[start..end];
            var colon = field.IndexOf((byte)':');
            if (colon > 0)
                fields.Add((Encoding.ASCII.GetString(field[..colon]).Trim(), field[(colon + 1)..].ToArray()));
            start = end;
        }
        return fields;
    }

    public byte[] BodyHash() => _body.Finish();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _header.Dispose();
            _body.Dispose();
        }
        base.Dispose(disposing);
    }
}
