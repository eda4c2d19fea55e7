namespace Outpost.Engine.Idempotency;

/// <summary>
/// Idempotency keys of API submissions, one row per caller and key. Every write is a compare-and-set on
/// what the engine saw (the row's claim token and state), so of two requests racing for one key exactly one
/// write takes; the rules of what may follow what are <see cref="IdempotencyRules"/>'. A queue store
/// finishes a key in the enqueue transaction itself (<see cref="IdempotencyCompletion"/>), with the same
/// condition as <see cref="TryCompleteAsync"/>. Old rows go through the retention store.
/// </summary>
public interface IIdempotencyStore
{
    Task<IdempotencyRecord?> FindAsync(string scope, string keyHash, CancellationToken cancellationToken = default);

    /// <summary>Adds the key claimed in progress under <paramref name="token"/>; the new row's id, or null when the caller already has a row for it.</summary>
    Task<long?> TryInsertAsync(string scope, string keyHash, string requestHash, string token, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Claims an existing row afresh (it expired, or its claim went stale), if it is still as <paramref name="seen"/>.</summary>
    Task<bool> TryTakeOverAsync(IdempotencyRecord seen, string requestHash, string token, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Stores the answer of a request that queued nothing, if the ticket still holds the key in progress.</summary>
    Task<bool> TryCompleteAsync(IdempotencyTicket ticket, StoredAnswer answer, DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>Removes the key, if the ticket still holds it in progress, so that a retry starts afresh.</summary>
    Task<bool> TryReleaseAsync(IdempotencyTicket ticket, CancellationToken cancellationToken = default);
}
