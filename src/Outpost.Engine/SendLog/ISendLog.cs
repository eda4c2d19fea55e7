namespace Outpost.Engine.SendLog;

/// <summary>The record users and operators read: recipients' states, attempts, and refusals at SMTP time.</summary>
public interface ISendLog
{
    Task RecordRefusalAsync(Refusal refusal, CancellationToken cancellationToken = default);
    Task<IReadOnlyList<LogEntry>> QueryAsync(LogQuery query, CancellationToken cancellationToken = default);
    Task<MessageReport?> GetReportAsync(string messageId, CancellationToken cancellationToken = default);
    /// <summary>Refusals, newest first; <paramref name="scope"/> keeps those of one mailbox or domain.</summary>
    Task<IReadOnlyList<Refusal>> RefusalsAsync(DateTimeOffset? since, int limit, string? scope = null, CancellationToken cancellationToken = default);
    /// <summary>The events outbox in id order: every recipient status change, each exactly once.</summary>
    Task<IReadOnlyList<LifecycleEvent>> EventsAsync(EventQuery query, CancellationToken cancellationToken = default);
}
