using System.Buffers;
using System.Data;
using Npgsql;

namespace Outpost.Storage.Postgres;

/// <summary>
/// A stored body read back chunk by chunk: seekable (the signer, the 8-bit check and the send each read it from
/// the start), one pooled chunk buffer, each chunk fetched by its own short query on a pooled connection (read
/// with <see cref="CommandBehavior.SequentialAccess"/>, so Npgsql streams the value into that buffer instead of
/// allocating it). A delivery that waits on a slow server holds no connection. A database error while reading
/// is an <see cref="IOException"/> with a sentence, as a failing disk would be for a spool file.
/// </summary>
sealed class PostgresBodyStream : Stream
{
    const string ChunkQuery = "SELECT data FROM message_body_chunks WHERE message_id = @id AND seq = @seq";

    readonly PostgresDatabase _db;
    readonly string _id;
    readonly long _length;
    readonly int _chunkSize;
    byte[]? _chunk;
    int _loadedSeq = -1;
    int _loadedLength;
    long _position;

    public PostgresBodyStream(PostgresDatabase db, string id, long length, int chunkSize)
    {
        _db = db;
        _id = id;
        _length = length;
        _chunkSize = chunkSize;
    }

    // -2 marks a disposed stream.
    public override bool CanRead => _loadedSeq != -2;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => _length;

    public override long Position
    {
        get => _position;
        set => _position = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value));
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_position >= _length || buffer.Length == 0)
            return 0;
        var seq = (int)(_position / _chunkSize);
        if (seq != _loadedSeq)
            Load(seq, async: false, CancellationToken.None).GetAwaiter().GetResult();
        return CopyOut(buffer);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_position >= _length || buffer.Length == 0)
            return 0;
        var seq = (int)(_position / _chunkSize);
        if (seq != _loadedSeq)
            await Load(seq, async: true, cancellationToken);
        return CopyOut(buffer.Span);
    }

    int CopyOut(Span<byte> buffer)
    {
        var inChunk = (int)(_position - (long)_loadedSeq * _chunkSize);
        var count = Math.Min(buffer.Length, _loadedLength - inChunk);
        if (count <= 0)
            throw new IOException($"The body of message {_id} is shorter in the database than its recorded length; it was changed while it was read.");
        _chunk.AsSpan(inChunk, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    async Task Load(int seq, bool async, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_loadedSeq == -2, this);
        _chunk ??= ArrayPool<byte>.Shared.Rent(_chunkSize);
        try
        {
            await using var command = _db.Read(ChunkQuery);
            command.Parameters.Text("id", _id).Int("seq", seq);
            await using var reader = async
                ? await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken)
                : command.ExecuteReader(CommandBehavior.SequentialAccess);
            if (!(async ? await reader.ReadAsync(cancellationToken) : reader.Read()))
                throw new IOException($"The body of message {_id} was removed from the database while it was read.");
            // Into the pooled buffer: GetBytes copies from Npgsql's read buffer as the value streams in.
            var total = 0;
            while (total < _chunkSize)
            {
                var got = (int)reader.GetBytes(0, total, _chunk, total, _chunkSize - total);
                if (got == 0)
                    break;
                total += got;
            }
            _loadedSeq = seq;
            _loadedLength = total;
        }
        catch (NpgsqlException ex)
        {
            _loadedSeq = -1;
            throw new IOException($"The body of message {_id} cannot be read from the database ({ex.Message}).", ex);
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => _position + offset,
        _ => _length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (_chunk is not null)
            ArrayPool<byte>.Shared.Return(_chunk);
        _chunk = null;
        _loadedSeq = -2;
        base.Dispose(disposing);
    }
}
