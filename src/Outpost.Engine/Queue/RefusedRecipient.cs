namespace Outpost.Engine.Queue;

/// <summary>
/// A recipient refused at submission (RCPT, or the whole message after DATA), decided by
/// <see cref="RecipientTransitions.Refused"/>: it never enters the queue, so it has no message or
/// recipient row; its status is rejected from the start, and its event (rejected, or suppressed)
/// carries the sender and the reply the sender saw. The store writes that event in the transaction of
/// the refusal's own row.
/// </summary>
public sealed record RefusedRecipient(string Sender, string Address, string Event, RemoteReply Reply, string Reason)
{
    public RecipientStatus Status => RecipientStatus.Rejected;

    /// <summary>The sending domain, by which webhooks are routed: the part after the last @ (empty for the null sender).</summary>
    public string SenderDomain => Sender[(Sender.LastIndexOf('@') + 1)..].ToLowerInvariant();
}
