using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Queue;
using Outpost.Storage.Sqlite;

namespace Outpost.Benchmarks;

/// <summary>
/// The SQLite queue (WAL, synchronous=FULL, on the machine's disk) with 10,000 recipients waiting:
/// queue a group commit of 20 messages; claim 100 due recipients and record their outcomes (deferred,
/// due again at once, so every iteration finds the same amount of work).
/// </summary>
[MemoryDiagnoser]
public class QueueBenchmarks
{
    string _dir = null!;
    SqliteDatabase _db = null!;
    SqliteQueueStore _store = null!;
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero));
    int _next;

    [GlobalSetup]
    public void Setup()
    {
        _dir = Path.Combine(Path.GetTempPath(), "outpost-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
        _db = new SqliteDatabase(Path.Combine(_dir, "queue.db"));
        _store = new SqliteQueueStore(_db, _time, new NodeIdentity("bench"));
        for (var i = 0; i < 100; i++)
            _store.EnqueueAsync(Batch(100), _time.GetUtcNow().AddSeconds(-1)).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _db.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    List<NewMessage> Batch(int count) => Enumerable.Range(0, count).Select(_ =>
    {
        var id = $"B{Interlocked.Increment(ref _next):D15}";
        var message = new QueuedMessage(id, "sender@bench.example", "load", 1024, null, "127.0.0.1", "bench", "relay", _time.GetUtcNow(), $"/spool/{id}");
        return new NewMessage(message, [new NewRecipient($"rcpt{_next}@sink.test", "sink.test", Route.Remote)]);
    }).ToList();

    [Benchmark(Description = "queue 20 messages in one commit")]
    public int Enqueue() => _store.EnqueueAsync(Batch(20), _time.GetUtcNow().AddSeconds(-1)).GetAwaiter().GetResult().Count;

    [Benchmark(Description = "claim 100 due + record 100 outcomes")]
    public int ClaimAndRecord()
    {
        var now = _time.GetUtcNow();
        var work = _store.ClaimDueAsync(now, now.AddMinutes(15), 100).GetAwaiter().GetResult();
        var outcomes = work.SelectMany(w => w.Recipients).Select(r => new RecipientOutcome(r, RecipientStatus.Deferred,
            new DeliveryAttempt(now, "direct", "mx.sink.test", "127.0.0.1", 451, "451 4.7.1 Try again later", null, TimeSpan.FromMilliseconds(3)), now)).ToList();
        _store.RecordOutcomesAsync(outcomes).GetAwaiter().GetResult();
        return outcomes.Count;
    }
}
