using System.Security.Cryptography;

namespace Outpost.Engine.Signing;

/// <summary>
/// DKIM's relaxed body canonicalisation (RFC 6376 §3.4.4) and SHA-256, as a write-only stream the
/// message body is written into: whitespace at line ends dropped, runs of spaces and tabs made one
/// space, empty lines at the end dropped, and a final CRLF ensured. One pass over the bytes, in blocks.
/// </summary>
public sealed class RelaxedBodyHash : WriteOnlyStream
{
    readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    // Pooled: one hash per message sent, and a fresh 16 KB block each time would be most of what signing allocates.
    byte[] _out = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
    int _used;
    int _pendingLines;
    bool _pendingSpace;
    bool _pendingCr;
    bool _any;

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            var b = buffer[0];
            if (!_pendingCr && !Special.Contains(b))
            {
                // A run of ordinary bytes goes to the hash in one piece.
                var run = buffer.IndexOfAny(Special);
                if (run < 0)
                    run = buffer.Length;
                Content(b);
                Append(buffer[1..run]);
                buffer = buffer[run..];
                continue;
            }
            buffer = buffer[1..];
            if (_pendingCr)
            {
                _pendingCr = false;
                if (b == '\n')
                {
                    _pendingSpace = false;
                    _pendingLines++;
                    continue;
                }
                Content((byte)'\r');
            }
            if (b == '\r')
                _pendingCr = true;
            else if (b is (byte)' ' or (byte)'\t')
                _pendingSpace = true;
            else
                Content(b);
        }
    }

    static readonly System.Buffers.SearchValues<byte> Special = System.Buffers.SearchValues.Create("\r\n \t"u8);

    void Append(ReadOnlySpan<byte> run)
    {
        if (run.IsEmpty)
            return;
        if (_used + run.Length <= _out.Length)
        {
            run.CopyTo(_out.AsSpan(_used));
            _used += run.Length;
            return;
        }
        _hash.AppendData(_out, 0, _used);
        _used = 0;
        _hash.AppendData(run);
    }

    void Content(byte b)
    {
        if (_pendingLines > 0)
        {
            for (; _pendingLines > 0; _pendingLines--)
            {
                Put((byte)'\r');
                Put((byte)'\n');
            }
        }
        if (_pendingSpace)
        {
            Put((byte)' ');
            _pendingSpace = false;
        }
        Put(b);
        _any = true;
    }

    void Put(byte b)
    {
        if (_used == _out.Length)
        {
            _hash.AppendData(_out, 0, _used);
            _used = 0;
        }
        _out[_used++] = b;
    }

    /// <summary>The body hash, once the whole body has been written.</summary>
    public byte[] Finish()
    {
        if (_pendingCr)
        {
            _pendingCr = false;
            Content((byte)'\r');
        }
        if (_any)
        {
            Put((byte)'\r');
            Put((byte)'\n');
        }
        _hash.AppendData(_out, 0, _used);
        _used = 0;
        return _hash.GetHashAndReset();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            if (_out.Length > 0)
                System.Buffers.ArrayPool<byte>.Shared.Return(_out);
            _out = [];
        }
        base.Dispose(disposing);
    }
}
