using System.Net;
using Dapper;
using Outpost.Engine.Configuration;
using Outpost.Engine.Accounts;
using Outpost.Engine.Idempotency;
using Outpost.Engine.Queue;
using Outpost.Engine.Submission;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Idempotency;

/// <summary>
/// A key and its message through the real submission path (ApiSubmission → spool sink → group commit →
/// SQLite enqueue), walking the interleavings of two requests with one key one by one, and racing many:
/// never two messages for one key.
/// </summary>
public sealed class IdempotentEnqueueTests : IAsyncLifetime
{
    readonly EngineHarness _engine = new();
    SqliteIdempotencyStore _store = null!;
    IdempotencyService _keys = null!;
    ApiSubmission _api = null!;
    static readonly ApiCaller Alice = new("alice@example.com", "example.com", DomainWide: false);

    public async Task InitializeAsync()
    {
        await _engine.SeedAsync();
        _store = new SqliteIdempotencyStore(_engine.Db);
        _keys = new IdempotencyService(_store, new ApiOptions(), _engine.Time, TimeSpan.Zero);
        _api = new ApiSubmission(_engine.Backend, _engine.Options);
    }

    public async Task DisposeAsync() => await _engine.DisposeAsync();

    /// <summary>Submits alice → alice (hosted: no DNS records needed) under the ticket, the answer naming the queue id.</summary>
    Task<ApiSubmissionResult> SubmitAsync(IdempotencyTicket? ticket, string subject = "minutes")
    {
        var message = ApiSubmission.Build("alice@example.com", ["alice@example.com"], [], subject, "The minutes of Tuesday's meeting.", null, [], new Dictionary<string, string>());
        return _api.SubmitAsync(Alice, IPAddress.Loopback, "alice@example.com", ["alice@example.com"], message, CancellationToken.None,
            ticket is null ? null : r => new IdempotencyCompletion(ticket, new StoredAnswer(202, $$"""{"id":"{{r.MessageId}}"}""")));
    }

    async Task<IdempotencyTicket> TakeAsync()
    {
        var begin = await _keys.BeginAsync(Alice.CallerId, "order-42", "h1");
        Assert.Equal(IdempotencyDecision.Take, begin.Decision);
        return begin.Ticket!;
    }

    long Messages()
    {
        using var c = _engine.Db.OpenRead();
        return c.ExecuteScalar<long>("SELECT COUNT(*) FROM messages");
    }

    [Fact]
    public async Task The_message_and_the_keys_answer_are_written_in_one_transaction()
    {
        var result = await SubmitAsync(await TakeAsync());
        Assert.NotNull(result.MessageId);

        var key = await _store.FindAsync(Alice.CallerId, IdempotencyService.Hash("order-42"));
        Assert.Equal(IdempotencyState.Done, key!.State);
        Assert.Equal(result.MessageId, key.MessageId);
        Assert.Equal($$"""{"id":"{{result.MessageId}}"}""", key.Answer!.Body);
        var again = await _keys.BeginAsync(Alice.CallerId, "order-42", "h1");
        Assert.Equal(IdempotencyDecision.Replay, again.Decision);
        Assert.Equal(1, Messages());
    }

    [Fact]
    public async Task A_request_whose_claim_was_taken_over_queues_nothing_even_when_it_enqueues_first()
    {
        var first = await TakeAsync();
        _engine.Time.Advance(IdempotencyRules.StaleAfter);
        var second = await TakeAsync();

        var late = await SubmitAsync(first);
        Assert.Equal(451, late.Reply.Code);
        Assert.Equal(IdempotencySentences.InProgress, late.Reply.Text);
        Assert.Null(late.MessageId);
        Assert.Equal(0, Messages());
        Assert.Empty(Directory.GetFiles(_engine.Spool.Root));

        var taken = await SubmitAsync(second);
        Assert.NotNull(taken.MessageId);
        Assert.Equal(1, Messages());
    }

    [Fact]
    public async Task A_request_whose_claim_was_taken_over_queues_nothing_when_the_other_enqueued_first()
    {
        var first = await TakeAsync();
        _engine.Time.Advance(IdempotencyRules.StaleAfter);
        var second = await TakeAsync();
        Assert.NotNull((await SubmitAsync(second)).MessageId);
        Assert.Null((await SubmitAsync(first)).MessageId);
        Assert.Equal(1, Messages());
    }

    [Fact]
    public async Task Once_the_message_is_queued_a_late_retry_replays_however_much_later_within_the_window()
    {
        var result = await SubmitAsync(await TakeAsync());
        _engine.Time.Advance(TimeSpan.FromHours(23));
        var retry = await _keys.BeginAsync(Alice.CallerId, "order-42", "h1");
        Assert.Equal(IdempotencyDecision.Replay, retry.Decision);
        Assert.Contains(result.MessageId!, retry.Answer!.Body);
        Assert.Equal(1, Messages());
    }

    [Fact]
    public async Task A_crash_before_queueing_leaves_a_claim_a_retry_takes_over_once_stale()
    {
        // The first request claimed the key and died (nothing submitted, nothing released).
        await TakeAsync();
        Assert.Equal(IdempotencyDecision.Busy, (await _keys.BeginAsync(Alice.CallerId, "order-42", "h1")).Decision);
        _engine.Time.Advance(IdempotencyRules.StaleAfter);
        var retry = await TakeAsync();
        Assert.NotNull((await SubmitAsync(retry)).MessageId);
        Assert.Equal(1, Messages());
    }

    [Fact]
    public async Task A_batch_with_one_lost_claim_rolls_back_whole_in_the_store()
    {
        var lost = await TakeAsync();
        _engine.Time.Advance(IdempotencyRules.StaleAfter);
        await TakeAsync();
        var good = Message("M000000000000001");
        var refused = Message("M000000000000002");
        await Assert.ThrowsAsync<IdempotencyClaimLostException>(() => _engine.Queue.EnqueueAsync(
            [good, refused with { Idempotency = new IdempotencyCompletion(lost, new StoredAnswer(202, "{}")) }], _engine.Time.GetUtcNow()));
        Assert.Equal(0, Messages());
        await _engine.Queue.EnqueueAsync([good], _engine.Time.GetUtcNow());
        Assert.Equal(1, Messages());
    }

    NewMessage Message(string id) => new(
        new QueuedMessage(id, "alice@example.com", "s", 10, "alice@example.com", "127.0.0.1", "api", "submission", _engine.Time.GetUtcNow(), _engine.Spool.PathFor(id)),
        [new NewRecipient("alice@example.com", "example.com", Route.Local)]);

    [Fact]
    public async Task Twenty_requests_racing_with_one_key_queue_exactly_one_message()
    {
        var keys = new IdempotencyService(_store, new ApiOptions(), TimeProvider.System, TimeSpan.FromSeconds(20));
        async Task<string> OneAsync()
        {
            var begin = await keys.BeginAsync(Alice.CallerId, "race", "h1");
            if (begin.Decision != IdempotencyDecision.Take)
                return begin.Decision + ":" + begin.Answer?.Body;
            var result = await SubmitAsync(begin.Ticket);
            return "Replay:" + $$"""{"id":"{{result.MessageId}}"}""";
        }
        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(OneAsync)));
        Assert.Equal(1, Messages());
        // Every request got the one answer: the winner its own, the others the replay of it.
        Assert.Single(answers.Distinct());
        Assert.StartsWith("Replay:{\"id\":\"", answers[0]);
    }
}
