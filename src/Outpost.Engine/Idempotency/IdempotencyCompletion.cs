namespace Outpost.Engine.Idempotency;

/// <summary>
/// What a message queued under an idempotency key writes in its own enqueue transaction: the claim it
/// finishes and the answer its request is about to give. Queue stores apply it before the message rows
/// and refuse the message (<see cref="IdempotencyClaimLostException"/>) when the claim no longer holds.
/// </summary>
public sealed record IdempotencyCompletion(IdempotencyTicket Ticket, StoredAnswer Answer);
