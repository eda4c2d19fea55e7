namespace Outpost.Engine.Complaints;

/// <summary>
/// Complaints with their raw reports, the send-log look-ups that match a report to the original, and
/// the counts behind the complaint rate. <see cref="RecordAsync"/> writes a complaint and its effects
/// (suppression, event, violation) in one transaction.
/// </summary>
public interface IComplaintStore
{
    /// <summary>The complaint already read from this report for this feedback address (a delivery tried again after a crash).</summary>
    Task<Complaint?> FindByReportAsync(string reportId, string address, CancellationToken cancellationToken = default);

    /// <summary>An earlier complaint with the given status about the same message by the same recipient (null: by no named recipient).</summary>
    Task<Complaint?> FindForRecipientAsync(string messageId, long? recipientId, string status, CancellationToken cancellationToken = default);

    /// <summary>Queue ids of messages whose Message-ID header was <paramref name="headerMessageId"/> (without brackets), newest first.</summary>
    Task<IReadOnlyList<string>> MessagesWithHeaderIdAsync(string headerMessageId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// Messages from <paramref name="sender"/> received between the two times, and (when it is given) with
    /// <paramref name="recipient"/> among their recipients; with each its arrival.
    /// </summary>
    Task<IReadOnlyList<(string Id, DateTimeOffset ReceivedAt)>> MessagesSentAsync(string sender, string? recipient, DateTimeOffset from, DateTimeOffset to, int limit,
        CancellationToken cancellationToken = default);

    /// <summary>Stores the complaint (its id is made here) with its raw report and, in the same transaction, its effects.</summary>
    Task<Complaint> RecordAsync(Complaint complaint, byte[] raw, ComplaintEffects? effects, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Complaint>> ListAsync(ComplaintQuery query, CancellationToken cancellationToken = default);

    Task<Complaint?> GetAsync(long id, CancellationToken cancellationToken = default);

    Task<byte[]?> RawAsync(long id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Per sending domain (one, or every domain with mail or complaints in the window): complaints of
    /// <paramref name="countedStatus"/> received since <paramref name="since"/>, and external recipients
    /// delivered of messages received since then.
    /// </summary>
    Task<IReadOnlyList<(string Domain, int Complaints, int Delivered)>> RatesAsync(string? domain, DateTimeOffset since, string countedStatus,
        CancellationToken cancellationToken = default);
}
