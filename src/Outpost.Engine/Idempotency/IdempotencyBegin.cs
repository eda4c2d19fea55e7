namespace Outpost.Engine.Idempotency;

/// <summary>
/// How a request with an idempotency key may go on: <see cref="IdempotencyDecision.Take"/> with the
/// <see cref="Ticket"/> it now holds; <see cref="IdempotencyDecision.Replay"/> with the stored
/// <see cref="Answer"/>; or refused as a mismatch, or as busy after waiting its time.
/// </summary>
public sealed record IdempotencyBegin(IdempotencyDecision Decision, IdempotencyTicket? Ticket = null, StoredAnswer? Answer = null);
