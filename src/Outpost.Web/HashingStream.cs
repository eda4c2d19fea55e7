using System.Security.Cryptography;

namespace Outpost.Web;

/// <summary>A stream that only feeds what is written to it into a hash, so a large request is fingerprinted without a copy in memory.</summary>
internal sealed class HashingStream(IncrementalHash hash) : Stream
{
    public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);
    public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        hash.AppendData(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        hash.AppendData(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
