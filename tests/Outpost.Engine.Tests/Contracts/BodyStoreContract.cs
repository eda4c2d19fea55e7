using System.Security.Cryptography;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>
/// What every message body store must do, on SQLite's spool directory and on PostgreSQL alike: a 25 MB body
/// round trip byte for byte, read without ever holding it in memory; seeking (the signer and the sender read a
/// body more than once); delete; a missing body is a clear <see cref="MessageBodyMissingException"/>; the
/// sweeper's listing by age.
/// </summary>
public abstract class BodyStoreContract : StoreContract
{
    const int Mb = 1024 * 1024;

    static string Id(int n) => $"0000000000B0DY{n:D2}";

    [Fact]
    public async Task A_25_MB_body_comes_back_byte_for_byte_and_is_read_without_holding_it_in_memory()
    {
        const long size = 25L * Mb;
        await Stores.Bodies.WriteAsync(Id(1), new PatternStream(size));

        await using var body = await Stores.Bodies.OpenReadAsync(Id(1));
        Assert.Equal(size, body.Length);
        // Read synchronously, so every byte this thread allocates is the store's (the readers of a body read it so too).
        var buffer = new byte[32 * 1024];
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var before = GC.GetAllocatedBytesForCurrentThread();
        long total = 0;
        int read;
        while ((read = body.Read(buffer, 0, buffer.Length)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(size, total);
        Assert.Equal(PatternStream.Sha256(size), Convert.ToHexString(hash.GetHashAndReset()));
        // A whole copy would be 25 MB; one chunk at a time stays far below a tenth of it.
        Assert.True(allocated < 2 * Mb, $"Reading 25 MB allocated {allocated:N0} bytes.");
    }

    [Fact]
    public async Task A_body_reads_again_from_any_position_across_chunk_boundaries()
    {
        const long size = 600 * 1024 + 17;
        await Stores.Bodies.WriteAsync(Id(2), new PatternStream(size));
        await using var body = await Stores.Bodies.OpenReadAsync(Id(2));
        var expected = new byte[size];
        new PatternStream(size).ReadExactly(expected);

        foreach (var at in new long[] { 256 * 1024 - 3, 0, size - 5, 512 * 1024 })
        {
            body.Position = at;
            var got = new byte[Math.Min(10, size - at)];
            body.ReadExactly(got);
            Assert.Equal(expected.AsSpan((int)at, got.Length).ToArray(), got);
        }
        body.Position = size;
        Assert.Equal(0, body.Read(new byte[8], 0, 8));
    }

    [Fact]
    public async Task Empty_bodies_and_bodies_of_exactly_one_chunk_round_trip()
    {
        await Stores.Bodies.WriteAsync(Id(3), new MemoryStream());
        await using (var empty = await Stores.Bodies.OpenReadAsync(Id(3)))
            Assert.Equal(0, empty.Read(new byte[16], 0, 16));

        const long size = 256 * 1024;
        await Stores.Bodies.WriteAsync(Id(4), new PatternStream(size));
        await using var body = await Stores.Bodies.OpenReadAsync(Id(4));
        var copy = new MemoryStream();
        await body.CopyToAsync(copy);
        Assert.Equal(PatternStream.Sha256(size), Convert.ToHexString(SHA256.HashData(copy.ToArray())));
    }

    [Fact]
    public async Task A_deleted_body_is_gone_and_a_missing_one_is_a_clear_error()
    {
        await Stores.Bodies.WriteAsync(Id(5), new PatternStream(1000));
        Assert.True(await Stores.Bodies.ExistsAsync(Id(5)));

        await Stores.Bodies.DeleteAsync(Id(5));
        await Stores.Bodies.DeleteAsync(Id(5));

        Assert.False(await Stores.Bodies.ExistsAsync(Id(5)));
        var missing = await Assert.ThrowsAsync<MessageBodyMissingException>(() => Stores.Bodies.OpenReadAsync(Id(5)));
        Assert.Equal(Id(5), missing.MessageId);
        Assert.Equal($"The body of message {Id(5)} is not stored; the message has finished or was never queued.", missing.Message);
    }

    [Fact]
    public async Task A_received_spool_file_once_sealed_and_released_is_the_body()
    {
        var file = Stores.Spool.Create(Id(6));
        file.Write("Subject: hi\r\n\r\nhello\r\n"u8);
        await Stores.Bodies.SealAsync(Id(6), file);
        Stores.Bodies.ReleaseStaged(Id(6));

        // On PostgreSQL the node's local copy is gone now: what any node reads is the database's.
        Assert.Equal(Stores.Bodies is SpoolBodyStore, File.Exists(Stores.Spool.PathFor(Id(6))));
        await using var body = await Stores.Bodies.OpenReadAsync(Id(6));
        Assert.Equal("Subject: hi\r\n\r\nhello\r\n", await new StreamReader(body).ReadToEndAsync());
    }

    [Fact]
    public async Task The_sweeper_lists_bodies_by_when_they_were_written()
    {
        await Stores.Bodies.WriteAsync(Id(7), new PatternStream(123));

        var listed = new List<StoredBody>();
        await foreach (var body in Stores.Bodies.WrittenBeforeAsync(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero)))
            listed.Add(body);
        Assert.Contains(new StoredBody(Id(7), 123), listed);

        await foreach (var body in Stores.Bodies.WrittenBeforeAsync(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)))
            Assert.Fail($"{body.Id} was written after 2000.");
    }
}
