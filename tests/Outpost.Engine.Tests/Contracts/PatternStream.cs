using System.Security.Cryptography;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>
/// A long stream of deterministic bytes made as it is read (never held whole), so a test can store a 25 MB body
/// without a 25 MB array of its own, and know its hash.
/// </summary>
internal sealed class PatternStream(long length) : Stream
{
    long _position;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => _position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var n = (int)Math.Min(count, length - _position);
        for (var i = 0; i < n; i++)
            buffer[offset + i] = ByteAt(_position + i);
        _position += n;
        return n;
    }

    // Not a repeating block of the chunk size, so a chunk written at the wrong place shows.
    static byte ByteAt(long i) => (byte)((i * 31 + (i >> 9)) % 251);

    public static string Sha256(long length)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var source = new PatternStream(length);
        var buffer = new byte[64 * 1024];
        int read;
        while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
            hash.AppendData(buffer, 0, read);
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
