using Outpost.Engine.Idempotency;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Tests.Contracts;

/// <summary>
/// What every idempotency key store must do, through <see cref="IIdempotencyStore"/> and the queue alone:
/// one claim per caller and key, compare-and-set takeovers, completions and releases under the claim's
/// token, and the key finished by its message's own enqueue transaction, or the message not queued at all.
/// </summary>
public abstract class IdempotencyStoreContract : StoreContract
{
    IIdempotencyStore Store => Stores.Idempotency;

    NewMessage Message(string id) => new(
        new QueuedMessage(id, "al@a.example", "s", 10, "al@a.example", "127.0.0.1", "h", "api", Now, "/spool/" + id),
        [new NewRecipient("x@remote.test", "remote.test", Route.Remote)]);

    [Fact]
    public async Task A_key_is_claimed_once_per_caller_and_found_in_progress()
    {
        var id = await Store.TryInsertAsync("key:k1", "hash-a", "request-1", "token-1", Now);
        Assert.NotNull(id);
        Assert.Null(await Store.TryInsertAsync("key:k1", "hash-a", "request-2", "token-2", Now));
        Assert.NotNull(await Store.TryInsertAsync("key:k2", "hash-a", "request-1", "token-3", Now));

        Assert.Equal(new IdempotencyRecord(id.Value, "key:k1", "hash-a", "request-1", IdempotencyState.InProgress, "token-1", Now, Now, null, null),
            await Store.FindAsync("key:k1", "hash-a"));
        Assert.Null(await Store.FindAsync("key:k1", "hash-b"));
    }

    [Fact]
    public async Task Takeover_completion_and_release_each_hold_only_under_the_token_they_saw()
    {
        var id = (await Store.TryInsertAsync("key:k1", "hash-a", "request-1", "token-1", Now))!.Value;
        var seen = (await Store.FindAsync("key:k1", "hash-a"))!;
        Time.Advance(TimeSpan.FromMinutes(2));
        Assert.True(await Store.TryTakeOverAsync(seen, "request-2", "token-2", Now));
        // The same stale view a second time: the token it saw is gone.
        Assert.False(await Store.TryTakeOverAsync(seen, "request-3", "token-3", Now));
        // The first claim's ticket no longer completes or releases anything.
        Assert.False(await Store.TryCompleteAsync(new IdempotencyTicket(id, "token-1"), new StoredAnswer(202, "{}"), Now));
        Assert.False(await Store.TryReleaseAsync(new IdempotencyTicket(id, "token-1")));

        var ticket = new IdempotencyTicket(id, "token-2");
        Assert.True(await Store.TryCompleteAsync(ticket, new StoredAnswer(422, "{\"error\":\"no\"}"), Now));
        Assert.False(await Store.TryCompleteAsync(ticket, new StoredAnswer(202, "{}"), Now));
        // A done key is not let go.
        Assert.False(await Store.TryReleaseAsync(ticket));
        Assert.Equal(new IdempotencyRecord(id, "key:k1", "hash-a", "request-2", IdempotencyState.Done, "token-2", Now, Now, null, new StoredAnswer(422, "{\"error\":\"no\"}")),
            await Store.FindAsync("key:k1", "hash-a"));

        var other = (await Store.TryInsertAsync("key:k1", "hash-b", "request-1", "token-4", Now))!.Value;
        Assert.True(await Store.TryReleaseAsync(new IdempotencyTicket(other, "token-4")));
        Assert.Null(await Store.FindAsync("key:k1", "hash-b"));
    }

    [Fact]
    public async Task The_enqueue_transaction_finishes_the_key_with_its_message_or_queues_nothing()
    {
        var id = (await Store.TryInsertAsync("key:k1", "hash-a", "request-1", "token-1", Now))!.Value;
        var answer = new StoredAnswer(202, "{\"id\":\"M0000000000000001\"}");
        await Stores.Queue.EnqueueAsync([Message("M0000000000000001") with { Idempotency = new IdempotencyCompletion(new IdempotencyTicket(id, "token-1"), answer) }], Now);
        var done = (await Store.FindAsync("key:k1", "hash-a"))!;
        Assert.Equal((IdempotencyState.Done, "M0000000000000001", answer), (done.State, done.MessageId, done.Answer));

        // A claim taken over meanwhile: the whole batch is refused, the message without a key as well.
        var lost = (await Store.TryInsertAsync("key:k1", "hash-b", "request-1", "token-2", Now))!.Value;
        Assert.True(await Store.TryTakeOverAsync((await Store.FindAsync("key:k1", "hash-b"))!, "request-1", "token-3", Now));
        var thrown = await Assert.ThrowsAsync<IdempotencyClaimLostException>(() => Stores.Queue.EnqueueAsync(
            [Message("M0000000000000002"), Message("M0000000000000003") with { Idempotency = new IdempotencyCompletion(new IdempotencyTicket(lost, "token-2"), answer) }], Now));
        Assert.Equal(lost, thrown.KeyId);
        Assert.Null(await Stores.Queue.GetMessageAsync("M0000000000000002"));
        Assert.Null(await Stores.Queue.GetMessageAsync("M0000000000000003"));
        Assert.Equal(IdempotencyState.InProgress, (await Store.FindAsync("key:k1", "hash-b"))!.State);
    }
}
