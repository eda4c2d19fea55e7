using Dapper;
using Microsoft.Extensions.Time.Testing;
using Outpost.Engine.Configuration;
using Outpost.Engine.Idempotency;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Idempotency;

/// <summary>A key's life through the service and the SQLite store, on a fake clock: claim, answer, replay, mismatch, release, staleness, expiry.</summary>
public sealed class IdempotencyServiceTests : IDisposable
{
    readonly TempDirectory _dir = new();
    readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
    readonly SqliteDatabase _db;
    readonly SqliteIdempotencyStore _store;
    readonly ApiOptions _options = new();
    readonly IdempotencyService _keys;

    public IdempotencyServiceTests()
    {
        _db = new SqliteDatabase(Path.Combine(_dir.Path, "outpost.db"));
        _store = new SqliteIdempotencyStore(_db);
        // No waiting on the fake clock: a busy key answers busy at once.
        _keys = new IdempotencyService(_store, _options, _time, TimeSpan.Zero);
    }

    static readonly StoredAnswer Refused = new(422, """{"error":"The mailbox <nobody@example.com> does not exist"}""");

    async Task<IdempotencyTicket> TakeAsync(string key = "k1", string hash = "h1", string scope = "key:a")
    {
        var begin = await _keys.BeginAsync(scope, key, hash);
        Assert.Equal(IdempotencyDecision.Take, begin.Decision);
        return begin.Ticket!;
    }

    long Rows()
    {
        using var c = _db.OpenRead();
        return c.ExecuteScalar<long>("SELECT COUNT(*) FROM idempotency_keys");
    }

    [Fact]
    public async Task A_final_refusal_is_stored_and_given_again_to_the_same_request()
    {
        var ticket = await TakeAsync();
        Assert.Equal(IdempotencyDecision.Busy, (await _keys.BeginAsync("key:a", "k1", "h1")).Decision);

        await _keys.FinishAsync(ticket, Refused, queued: false);
        var again = await _keys.BeginAsync("key:a", "k1", "h1");
        Assert.Equal(IdempotencyDecision.Replay, again.Decision);
        Assert.Equal(Refused, again.Answer);
    }

    [Fact]
    public async Task The_same_key_for_a_different_request_is_a_mismatch_while_in_progress_and_after()
    {
        var ticket = await TakeAsync();
        Assert.Equal(IdempotencyDecision.Mismatch, (await _keys.BeginAsync("key:a", "k1", "h2")).Decision);
        await _keys.FinishAsync(ticket, Refused, queued: false);
        Assert.Equal(IdempotencyDecision.Mismatch, (await _keys.BeginAsync("key:a", "k1", "h2")).Decision);
        // The mismatch stored nothing: the first request's answer stands.
        Assert.Equal(Refused, (await _keys.BeginAsync("key:a", "k1", "h1")).Answer);
    }

    [Fact]
    public async Task Keys_are_per_caller_and_stored_only_as_a_hash()
    {
        await TakeAsync(scope: "key:a");
        await TakeAsync(scope: "key:b");
        await TakeAsync(scope: "mailbox:alice@example.com");
        Assert.Equal(3, Rows());
        using var c = _db.OpenRead();
        Assert.Equal(0, c.ExecuteScalar<long>("SELECT COUNT(*) FROM idempotency_keys WHERE key_hash = 'k1'"));
        Assert.Equal(3, c.ExecuteScalar<long>("SELECT COUNT(*) FROM idempotency_keys WHERE key_hash = @h", new { h = IdempotencyService.Hash("k1") }));
    }

    [Fact]
    public async Task A_transient_refusal_lets_the_key_go_so_a_retry_is_worked_on_afresh()
    {
        var ticket = await TakeAsync();
        await _keys.FinishAsync(ticket, new StoredAnswer(429, """{"error":"slow down"}"""), queued: false);
        Assert.Equal(0, Rows());
        var retry = await TakeAsync();
        Assert.NotEqual(ticket.Token, retry.Token);
    }

    [Fact]
    public async Task A_queued_answer_is_not_written_again_by_finish()
    {
        var ticket = await TakeAsync();
        // The enqueue transaction writes a queued message's answer; finish leaves the key as it is.
        await _keys.FinishAsync(ticket, new StoredAnswer(202, "{}"), queued: true);
        Assert.Equal(IdempotencyDecision.Busy, (await _keys.BeginAsync("key:a", "k1", "h1")).Decision);
    }

    [Fact]
    public async Task A_claim_left_in_progress_goes_stale_and_the_old_ticket_can_write_nothing_after_a_takeover()
    {
        var first = await TakeAsync();
        _time.Advance(IdempotencyRules.StaleAfter - TimeSpan.FromSeconds(1));
        Assert.Equal(IdempotencyDecision.Busy, (await _keys.BeginAsync("key:a", "k1", "h1")).Decision);
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = await TakeAsync();
        Assert.Equal(first.KeyId, second.KeyId);
        Assert.NotEqual(first.Token, second.Token);

        // The first request, back from wherever it was, can neither store its answer nor let the key go.
        Assert.False(await _store.TryCompleteAsync(first, Refused, _time.GetUtcNow()));
        Assert.False(await _store.TryReleaseAsync(first));
        await _keys.FinishAsync(first, Refused, queued: false);
        await _keys.ReleaseAsync(first);
        Assert.Equal(IdempotencyDecision.Busy, (await _keys.BeginAsync("key:a", "k1", "h1")).Decision);

        Assert.True(await _store.TryCompleteAsync(second, new StoredAnswer(403, "{}"), _time.GetUtcNow()));
        Assert.Equal(403, (await _keys.BeginAsync("key:a", "k1", "h1")).Answer!.Status);
    }

    [Fact]
    public async Task A_key_expires_after_the_window_and_then_belongs_to_whichever_request_comes()
    {
        _options.IdempotencyWindow = TimeSpan.FromHours(2);
        var ticket = await TakeAsync();
        await _keys.FinishAsync(ticket, Refused, queued: false);
        _time.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        Assert.Equal(IdempotencyDecision.Replay, (await _keys.BeginAsync("key:a", "k1", "h1")).Decision);
        Assert.Equal(IdempotencyDecision.Mismatch, (await _keys.BeginAsync("key:a", "k1", "h2")).Decision);

        _time.Advance(TimeSpan.FromSeconds(1));
        var fresh = await TakeAsync(hash: "h2");
        Assert.Equal(ticket.KeyId, fresh.KeyId);
        Assert.Equal(1, Rows());
        // The new claim's window starts now: an hour later it is still the new request's key.
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(IdempotencyDecision.Mismatch, (await _keys.BeginAsync("key:a", "k1", "h1")).Decision);
    }

    [Fact]
    public async Task Of_two_takeovers_racing_for_one_stale_row_exactly_one_takes()
    {
        await TakeAsync();
        _time.Advance(TimeSpan.FromMinutes(2));
        var seen = await _store.FindAsync("key:a", IdempotencyService.Hash("k1"));
        Assert.True(await _store.TryTakeOverAsync(seen!, "h1", "tokenB", _time.GetUtcNow()));
        Assert.False(await _store.TryTakeOverAsync(seen!, "h1", "tokenC", _time.GetUtcNow()));
        Assert.Null(await _store.TryInsertAsync("key:a", IdempotencyService.Hash("k1"), "h1", "tokenD", _time.GetUtcNow()));
        Assert.Equal("tokenB", (await _store.FindAsync("key:a", IdempotencyService.Hash("k1")))!.Token);
    }

    [Fact]
    public async Task An_invalid_key_is_refused_before_the_store_is_asked()
    {
        var ex = await Assert.ThrowsAsync<ArgumentException>(() => _keys.BeginAsync("key:a", new string('x', 256), "h1"));
        Assert.StartsWith(IdempotencySentences.InvalidKey, ex.Message);
        Assert.Equal(0, Rows());
    }

    [Fact]
    public async Task A_request_waits_for_the_first_with_its_key_and_gets_its_answer()
    {
        // Real time here: the wait is the point.
        var keys = new IdempotencyService(_store, _options, TimeProvider.System, TimeSpan.FromSeconds(10));
        var first = (await keys.BeginAsync("key:a", "wait", "h1")).Ticket!;
        var waiting = keys.BeginAsync("key:a", "wait", "h1");
        await Task.Delay(150);
        Assert.False(waiting.IsCompleted);
        await keys.FinishAsync(first, Refused, queued: false);
        var answer = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(IdempotencyDecision.Replay, answer.Decision);
        Assert.Equal(Refused, answer.Answer);
    }

    [Fact]
    public async Task A_request_waits_only_so_long_before_it_answers_busy()
    {
        var keys = new IdempotencyService(_store, _options, TimeProvider.System, TimeSpan.FromMilliseconds(300));
        await keys.BeginAsync("key:a", "slow", "h1");
        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Equal(IdempotencyDecision.Busy, (await keys.BeginAsync("key:a", "slow", "h1")).Decision);
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(3));
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }
}
