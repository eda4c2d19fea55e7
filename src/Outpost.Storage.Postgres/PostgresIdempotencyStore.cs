using Npgsql;
using Outpost.Engine.Idempotency;

namespace Outpost.Storage.Postgres;

/// <summary>
/// Idempotency keys in PostgreSQL, shared by the nodes: a retry that reaches another node finds the key.
/// Every write is one conditional statement ("where the row is still as the engine saw it"), so the
/// engine's decisions (<see cref="IdempotencyRules"/>) take or find nothing; the unique (scope, key) pair
/// decides between two requests inserting at once. <see cref="CompleteAsync"/> is also run by
/// <see cref="PostgresQueueStore.EnqueueAsync"/> inside the enqueue transaction, which is what ties a message to its key.
/// Security: the key is kept only as its hash; the stored answer is what its caller was already given.
/// </summary>
public sealed class PostgresIdempotencyStore(PostgresDatabase db) : IIdempotencyStore
{
    const string InProgress = "in-progress";
    const string Done = "done";

    static IdempotencyState StateOf(string name) => name switch
    {
        InProgress => IdempotencyState.InProgress,
        Done => IdempotencyState.Done,
        _ => throw new InvalidOperationException($"The idempotency key state '{name}' is not one Outpost writes."),
    };

    static string NameOf(IdempotencyState state) => state == IdempotencyState.Done ? Done : InProgress;

    static IdempotencyRecord Read(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), StateOf(r.GetString(4)), r.GetString(5), r.Time(6), r.Time(7), r.Text(8),
            r.Int(9) is { } status && r.Text(10) is { } body ? new StoredAnswer(status, body) : null);

    public async Task<IdempotencyRecord?> FindAsync(string scope, string keyHash, CancellationToken cancellationToken = default)
    {
        await using var command = db.Read(
            "SELECT id, scope, key_hash, request_hash, state, token, created_at, claimed_at, message_id, status, body FROM idempotency_keys " +
            "WHERE scope = @scope AND key_hash = @key");
        command.Parameters.Text("scope", scope).Text("key", keyHash);
        return (await command.ListAsync(Read, cancellationToken)).SingleOrDefault();
    }

    public Task<long?> TryInsertAsync(string scope, string keyHash, string requestHash, string token, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            // A racing insert of the same pair waits for the other's commit, then inserts nothing and returns no row.
            await using var command = tx.Command(
                "INSERT INTO idempotency_keys (scope, key_hash, request_hash, state, token, created_at, claimed_at) " +
                "VALUES (@scope, @key, @request, @state, @token, @now, @now) ON CONFLICT (scope, key_hash) DO NOTHING RETURNING id");
            command.Parameters.Text("scope", scope).Text("key", keyHash).Text("request", requestHash).Text("state", InProgress).Text("token", token).Time("now", now);
            return (long?)await command.ExecuteScalarAsync(ct);
        }, cancellationToken);

    public Task<bool> TryTakeOverAsync(IdempotencyRecord seen, string requestHash, string token, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command(
                "UPDATE idempotency_keys SET request_hash = @request, state = @state, token = @token, created_at = @now, claimed_at = @now, " +
                "completed_at = NULL, message_id = NULL, status = NULL, body = NULL WHERE id = @id AND token = @seenToken AND state = @seenState");
            command.Parameters.Text("request", requestHash).Text("state", InProgress).Text("token", token).Time("now", now).Long("id", seen.Id)
                .Text("seenToken", seen.Token).Text("seenState", NameOf(seen.State));
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    public Task<bool> TryCompleteAsync(IdempotencyTicket ticket, StoredAnswer answer, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        db.WriteAsync((tx, ct) => CompleteAsync(tx, new IdempotencyCompletion(ticket, answer), null, now, ct), cancellationToken);

    public Task<bool> TryReleaseAsync(IdempotencyTicket ticket, CancellationToken cancellationToken = default) =>
        db.WriteAsync(async (tx, ct) =>
        {
            await using var command = tx.Command("DELETE FROM idempotency_keys WHERE id = @id AND token = @token AND state = @state");
            command.Parameters.Long("id", ticket.KeyId).Text("token", ticket.Token).Text("state", InProgress);
            return await command.ExecuteNonQueryAsync(ct) == 1;
        }, cancellationToken);

    /// <summary>In the caller's transaction: the key held in progress by the completion's ticket becomes done with its answer (and message); false when the ticket no longer holds it.</summary>
    internal static async Task<bool> CompleteAsync(WriteTransaction tx, IdempotencyCompletion completion, string? messageId, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var command = tx.Command(
            "UPDATE idempotency_keys SET state = @done, completed_at = @now, message_id = @message, status = @status, body = @body " +
            "WHERE id = @id AND token = @token AND state = @inProgress");
        command.Parameters.Text("done", Done).Time("now", now).Text("message", messageId).Int("status", completion.Answer.Status).Text("body", completion.Answer.Body)
            .Long("id", completion.Ticket.KeyId).Text("token", completion.Ticket.Token).Text("inProgress", InProgress);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
