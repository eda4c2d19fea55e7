using Dapper;
using Microsoft.Data.Sqlite;
using Outpost.Engine.Idempotency;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// Idempotency keys in SQLite. Every write is one conditional statement ("where the row is still as the
/// engine saw it"), so the engine's decisions take or find nothing; SQLite's single writer serialises
/// them. <see cref="Complete"/> is also run by <see cref="SqliteQueueStore.EnqueueAsync"/> inside the
/// enqueue transaction, which is what ties a message to its key.
/// </summary>
public sealed class SqliteIdempotencyStore(SqliteDatabase db) : IIdempotencyStore
{
    const string InProgress = "in-progress";
    const string Done = "done";

    sealed class Row
    {
        public long id { get; init; }
        public string scope { get; init; } = "";
        public string key_hash { get; init; } = "";
        public string request_hash { get; init; } = "";
        public string state { get; init; } = "";
        public string token { get; init; } = "";
        public long created_at { get; init; }
        public long claimed_at { get; init; }
        public string? message_id { get; init; }
        public long? status { get; init; }
        public string? body { get; init; }

        public IdempotencyRecord ToRecord() => new(id, scope, key_hash, request_hash, StateOf(state), token, Time.FromMs(created_at), Time.FromMs(claimed_at),
            message_id, status is { } s && body is not null ? new StoredAnswer((int)s, body) : null);
    }

    static IdempotencyState StateOf(string name) => name switch
    {
        InProgress => IdempotencyState.InProgress,
        Done => IdempotencyState.Done,
        _ => throw new InvalidOperationException($"The idempotency key state '{name}' is not one Outpost writes."),
    };

    static string NameOf(IdempotencyState state) => state == IdempotencyState.Done ? Done : InProgress;

    public async Task<IdempotencyRecord?> FindAsync(string scope, string keyHash, CancellationToken cancellationToken = default)
    {
        using var c = db.OpenRead();
        var row = await c.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT id, scope, key_hash, request_hash, state, token, created_at, claimed_at, message_id, status, body FROM idempotency_keys " +
            "WHERE scope = @scope AND key_hash = @keyHash", new { scope, keyHash }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public Task<long?> TryInsertAsync(string scope, string keyHash, string requestHash, string token, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.ExecuteScalar<long?>(
            "INSERT INTO idempotency_keys (scope, key_hash, request_hash, state, token, created_at, claimed_at) " +
            "VALUES (@scope, @keyHash, @requestHash, @state, @token, @now, @now) ON CONFLICT (scope, key_hash) DO NOTHING RETURNING id",
            new { scope, keyHash, requestHash, state = InProgress, token, now = now.ToMs() }, t), cancellationToken);

    public Task<bool> TryTakeOverAsync(IdempotencyRecord seen, string requestHash, string token, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute(
            "UPDATE idempotency_keys SET request_hash = @requestHash, state = @state, token = @token, created_at = @now, claimed_at = @now, " +
            "completed_at = NULL, message_id = NULL, status = NULL, body = NULL " +
            "WHERE id = @id AND token = @seenToken AND state = @seenState",
            new { requestHash, state = InProgress, token, now = now.ToMs(), id = seen.Id, seenToken = seen.Token, seenState = NameOf(seen.State) }, t) == 1,
            cancellationToken);

    public Task<bool> TryCompleteAsync(IdempotencyTicket ticket, StoredAnswer answer, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => Complete(c, t, new IdempotencyCompletion(ticket, answer), null, now), cancellationToken);

    public Task<bool> TryReleaseAsync(IdempotencyTicket ticket, CancellationToken cancellationToken = default) =>
        db.WriteAsync((c, t) => c.Execute("DELETE FROM idempotency_keys WHERE id = @KeyId AND token = @Token AND state = @state",
            new { ticket.KeyId, ticket.Token, state = InProgress }, t) == 1, cancellationToken);

    /// <summary>In the caller's transaction: the key held in progress by the completion's ticket becomes done with its answer (and message); false when the ticket no longer holds it.</summary>
    internal static bool Complete(SqliteConnection c, SqliteTransaction t, IdempotencyCompletion completion, string? messageId, DateTimeOffset now) =>
        c.Execute(
            "UPDATE idempotency_keys SET state = @done, completed_at = @now, message_id = @messageId, status = @Status, body = @Body " +
            "WHERE id = @KeyId AND token = @Token AND state = @inProgress",
            new { done = Done, now = now.ToMs(), messageId, completion.Answer.Status, completion.Answer.Body, completion.Ticket.KeyId, completion.Ticket.Token, inProgress = InProgress },
            t) == 1;
}
