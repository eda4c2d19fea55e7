using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Outpost.Engine.Spool;
using Outpost.Engine.Tests.Contracts;
using Outpost.Storage.Postgres;
using Xunit.Abstractions;

namespace Outpost.Engine.Tests.Postgres;

/// <summary>
/// How long a body takes to go into PostgreSQL and come back out, two ways: the chunked bytea rows Outpost uses
/// (<see cref="PostgresBodyStore"/>) and large objects (<c>lo_from_bytea</c>/<c>lo_put</c> in, <c>lo_get</c> out, in
/// chunks of the same size, so neither holds the whole body). Write and read of 1 MB and 25 MB, median of five,
/// on the private cluster. The figures and the choice are in docs/SCALING.md.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class BodyStorageMeasurement(PostgresFixture fixture, ITestOutputHelper output)
{
    const int Runs = 5;
    const int Chunk = PostgresBodyStore.ChunkSize;

    [MeasurementFact]
    public async Task Chunked_bytea_against_large_objects()
    {
        using var database = fixture.NewDatabase();
        using var db = PostgresDatabase.Open(database.ConnectionString);
        using var spool = new TempDirectory();
        var store = new PostgresBodyStore(db, new MessageSpool(spool.Path), TimeProvider.System);
        await using var source = NpgsqlDataSource.Create(database.ConnectionString);
        var buffer = new byte[64 * 1024];

        foreach (var mb in new[] { 1, 25 })
        {
            long size = mb * 1024L * 1024;
            var (byteaWrite, byteaRead, loWrite, loRead) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
            for (var run = 0; run < Runs; run++)
            {
                var id = QueueId.New(DateTimeOffset.UtcNow);
                byteaWrite.Add(await Time(() => store.WriteAsync(id, new PatternStream(size))));
                byteaRead.Add(await Time(async () =>
                {
                    await using var body = await store.OpenReadAsync(id);
                    while (await body.ReadAsync(buffer) > 0) { }
                }));
                await store.DeleteAsync(id);

                uint oid = 0;
                loWrite.Add(await Time(async () => oid = await LargeObjectWriteAsync(source, new PatternStream(size))));
                loRead.Add(await Time(() => LargeObjectReadAsync(source, oid, size)));
                await using var unlink = source.CreateCommand("SELECT lo_unlink(@oid)");
                unlink.Parameters.AddWithValue("oid", NpgsqlTypes.NpgsqlDbType.Oid, oid);
                await unlink.ExecuteNonQueryAsync();
            }
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{mb} MB, median of {Runs} (ms): bytea chunks write {Median(byteaWrite):F1} read {Median(byteaRead):F1}; large object write {Median(loWrite):F1} read {Median(loRead):F1}"));
        }
    }

    static async Task<uint> LargeObjectWriteAsync(NpgsqlDataSource source, Stream content)
    {
        await using var connection = await source.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var chunk = new byte[Chunk];
        uint oid = 0;
        long offset = 0;
        int read;
        while ((read = await content.ReadAtLeastAsync(chunk, Chunk, throwOnEndOfStream: false)) > 0)
        {
            await using var command = offset == 0
                ? new NpgsqlCommand("SELECT lo_from_bytea(0, @data)", connection, transaction)
                : new NpgsqlCommand("SELECT lo_put(@oid, @offset, @data)", connection, transaction);
            command.Parameters.AddWithValue("data", NpgsqlTypes.NpgsqlDbType.Bytea, new ReadOnlyMemory<byte>(chunk, 0, read));
            if (offset > 0)
            {
                command.Parameters.AddWithValue("oid", NpgsqlTypes.NpgsqlDbType.Oid, oid);
                command.Parameters.AddWithValue("offset", offset);
            }
            var result = await command.ExecuteScalarAsync();
            if (offset == 0)
                oid = (uint)result!;
            offset += read;
        }
        await transaction.CommitAsync();
        return oid;
    }

    static async Task LargeObjectReadAsync(NpgsqlDataSource source, uint oid, long size)
    {
        var chunk = new byte[Chunk];
        for (long offset = 0; offset < size; offset += Chunk)
        {
            // One short query per chunk, as the bytea reader does, so a delivery holds no connection between chunks.
            await using var command = source.CreateCommand("SELECT lo_get(@oid, @offset, @length)");
            command.Parameters.AddWithValue("oid", NpgsqlTypes.NpgsqlDbType.Oid, oid);
            command.Parameters.AddWithValue("offset", offset);
            command.Parameters.AddWithValue("length", Chunk);
            await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess);
            await reader.ReadAsync();
            reader.GetBytes(0, 0, chunk, 0, Chunk);
        }
    }

    static async Task<double> Time(Func<Task> work)
    {
        var started = Stopwatch.GetTimestamp();
        await work();
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
}
