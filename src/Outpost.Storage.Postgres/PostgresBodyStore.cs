using System.Buffers;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;
using Outpost.Engine.Spool;

namespace Outpost.Storage.Postgres;

/// <summary>
/// Message bodies in PostgreSQL, so any node can deliver, bounce or show a message another node accepted: a
/// head row in <c>message_bodies</c> and the bytes in <c>message_body_chunks</c>, 256 KB of bytea per row,
/// written in one transaction (sealed before the queue rows, so 250 still follows the commit) and read back
/// chunk by chunk through <see cref="PostgresBodyStream"/>. Neither direction holds more than one chunk in
/// memory. The local spool file the body was received into is removed once the message is queued.
/// Talks to: PostgreSQL, and the local spool directory for the received copy.
/// Security: bodies are private mail; they live only in Outpost's database and 0600 spool files, are never
/// logged, and are keyed by queue id (checked) so no name reaches the file system unchecked.
/// </summary>
public sealed class PostgresBodyStore(PostgresDatabase db, MessageSpool spool, TimeProvider time) : IMessageBodyStore
{
    /// <summary>Bytes per chunk row: large enough that a 25 MB message is 100 rows, small enough for one pooled buffer (docs/SCALING.md has the measurement).</summary>
    public const int ChunkSize = 256 * 1024;

    public async Task SealAsync(string id, FileStream staged, CancellationToken cancellationToken = default)
    {
        // No fsync of the local copy: the database's commit is what makes the body durable.
        await staged.DisposeAsync();
        await using var content = MessageSpool.OpenRead(spool.PathFor(id), bufferSize: 0);
        await WriteAsync(id, content, cancellationToken);
    }

    public void SyncBeforeEnqueue()
    {
        // Every sealed body is committed already.
    }

    public void ReleaseStaged(string id) => MessageSpool.Delete(spool.PathFor(id));

    public async Task WriteAsync(string id, Stream content, CancellationToken cancellationToken = default)
    {
        Check(id);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            await using var connection = await db.DataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var clear = new NpgsqlCommand(
                "DELETE FROM message_body_chunks WHERE message_id = @id; DELETE FROM message_bodies WHERE message_id = @id", connection, transaction))
            {
                clear.Parameters.Text("id", id);
                await clear.ExecuteNonQueryAsync(cancellationToken);
            }
            long length = 0;
            await using (var insert = new NpgsqlCommand("INSERT INTO message_body_chunks (message_id, seq, data) VALUES (@id, @seq, @data)", connection, transaction))
            {
                var seq = new NpgsqlParameter<int>("seq", NpgsqlDbType.Integer);
                var data = new NpgsqlParameter<ReadOnlyMemory<byte>>("data", NpgsqlDbType.Bytea);
                insert.Parameters.Text("id", id);
                insert.Parameters.Add(seq);
                insert.Parameters.Add(data);
                for (var n = 0; ; n++)
                {
                    var read = await content.ReadAtLeastAsync(buffer.AsMemory(0, ChunkSize), ChunkSize, throwOnEndOfStream: false, cancellationToken);
                    if (read == 0)
                        break;
                    seq.TypedValue = n;
                    data.TypedValue = buffer.AsMemory(0, read);
                    await insert.ExecuteNonQueryAsync(cancellationToken);
                    length += read;
                    if (read < ChunkSize)
                        break;
                }
            }
            await using (var head = new NpgsqlCommand(
                "INSERT INTO message_bodies (message_id, length, chunk_size, written_at) VALUES (@id, @length, @size, @at)", connection, transaction))
            {
                head.Parameters.Text("id", id).Long("length", length).Int("size", ChunkSize).Time("at", time.GetUtcNow());
                await head.ExecuteNonQueryAsync(cancellationToken);
            }
            // Not cancelled halfway: a commit the caller gave up on might still have happened.
            await transaction.CommitAsync(CancellationToken.None);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task<Stream> OpenReadAsync(string id, CancellationToken cancellationToken = default)
    {
        Check(id);
        await using var command = db.Read("SELECT length, chunk_size FROM message_bodies WHERE message_id = @id");
        command.Parameters.Text("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            throw new MessageBodyMissingException(id);
        return new PostgresBodyStream(db, id, reader.GetInt64(0), reader.GetInt32(1));
    }

    public async Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        Check(id);
        await using var connection = await db.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var delete = new NpgsqlCommand(
            "DELETE FROM message_bodies WHERE message_id = @id; DELETE FROM message_body_chunks WHERE message_id = @id", connection, transaction))
        {
            delete.Parameters.Text("id", id);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(CancellationToken.None);
    }

    public async Task<bool> ExistsAsync(string id, CancellationToken cancellationToken = default)
    {
        Check(id);
        await using var command = db.Read("SELECT 1 FROM message_bodies WHERE message_id = @id");
        command.Parameters.Text("id", id);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async IAsyncEnumerable<StoredBody> WrittenBeforeAsync(DateTimeOffset before, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var command = db.Read("SELECT message_id, length FROM message_bodies WHERE written_at < @before ORDER BY written_at");
        command.Parameters.Time("before", before);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            yield return new StoredBody(reader.GetString(0), reader.GetInt64(1));
    }

    public int RemoveStaleStaged(DateTimeOffset before)
    {
        // Local copies only: the bodies are in the database, so an old spool file here is what a crash left.
        var removed = 0;
        foreach (var file in spool.Files().Where(f => f.LastWriteTimeUtc < before.UtcDateTime).ToList())
        {
            MessageSpool.Delete(file.FullName);
            removed++;
        }
        return removed;
    }

    static void Check(string id)
    {
        if (!QueueId.IsValid(id))
            throw new ArgumentException($"Invalid message id {id}.");
    }
}
