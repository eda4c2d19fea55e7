using Outpost.Engine.Queue;

namespace Outpost.Engine.SendLog;

/// <summary>The record users and operators read: recipients' states, attempts, and refusals at SMTP time.</summary>
public interface ISendLog
{
    /// <summary>
    /// Records a refusal; with <paramref name="recipients"/>, the event of each refused recipient
    /// (rejected or suppressed, as <see cref="RecipientTransitions.Refused"/> decided) goes into the events
    /// outbox in the same transaction.
    /// </summary>
    Task RecordRefusalAsync(Refusal refusal, IReadOnlyList<RefusedRecipient>? recipients = null, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<LogEntry>> QueryAsync(LogQuery query, CancellationToken cancellationToken = default);
    Task<MessageReport?> GetReportAsync(string messageId, CancellationToken cancellationToken = default);
    /// <summary>Refusals, newest first; <paramref name="scope"/> keeps those of one mailbox or domain.</summary>
    Task<IReadOnlyList<Refusal>> RefusalsAsync(DateTimeOffset? since, int limit, string? scope = null, CancellationToken cancellationToken = default);
    /// <summary>The events outbox in id order: every recipient status change, each exactly once.</summary>
    Task<IReadOnlyList<LifecycleEvent>> EventsAsync(EventQuery query, CancellationToken cancellationToken = default);
    /// <summary>
    /// The newest event id (0 when there is none). Every event up to it is already committed, so a reader
    /// that reads up to it and then keeps its place there misses nothing that commits later. (SQLite has
    /// one writer, so ids are handed out in commit order; a store with concurrent writers must not answer
    /// an id while a smaller one may still commit.)
    /// </summary>
    Task<long> LatestEventIdAsync(CancellationToken cancellationToken = default);
}
