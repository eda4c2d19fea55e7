namespace Outpost.Fuzz;

/// <summary>
/// The client's side of a connection made of the fuzzer's bytes: reads hand out the input in chunks whose
/// sizes the input chooses (its first byte seeds them: 0 is everything at once, n gives sizes from 1 to n),
/// so every line ending, dot and command can fall on a read boundary. Writes (the server's replies) are kept
/// for the target to look at. The end of the input is the client closing the connection.
/// </summary>
internal sealed class ChunkedStream : Stream
{
    readonly byte[] _input;
    int _position;
    uint _state;
    readonly int _maxChunk;

    public ChunkedStream(byte[] input, byte seed)
    {
        _input = input;
        _maxChunk = seed == 0 ? int.MaxValue : seed;
        _state = seed * 2654435761u | 1;
    }

    public MemoryStream Replies { get; } = new();

    int NextChunk()
    {
        if (_maxChunk == int.MaxValue)
            return int.MaxValue;
        // xorshift32: deterministic, so a saved input replays exactly.
        _state ^= _state << 13;
        _state ^= _state >> 17;
        _state ^= _state << 5;
        return (int)(_state % (uint)_maxChunk) + 1;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = Math.Min(Math.Min(buffer.Length, NextChunk()), _input.Length - _position);
        _input.AsSpan(_position, n).CopyTo(buffer);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Write(byte[] buffer, int offset, int count) => Replies.Write(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => Replies.Write(buffer);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Replies.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        Replies.Write(buffer, offset, count);
        return Task.CompletedTask;
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
