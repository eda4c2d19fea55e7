using Outpost.Engine.Queue;

namespace Outpost.Storage.Sqlite;

/// <summary>Rows as Dapper reads them, and their conversion to the engine's records.</summary>
internal sealed record MessageRow(string id, string sender, string? subject, long size, string? auth_user, string? client_ip, string? helo, string source, long received_at, string spool_path, string? content_verdict)
{
    public QueuedMessage ToMessage() => new(id, sender, subject, size, auth_user, client_ip, helo, source, Time.FromMs(received_at), spool_path) { ContentVerdict = content_verdict };
}

internal sealed record RecipientRow(long id, string message_id, string address, string domain, string route, string status, long attempts, long next_attempt_at, string? last_reply)
{
    public QueuedRecipient ToRecipient() => new(id, message_id, address, domain, Enum.Parse<Route>(route, true),
        RecipientStatusNames.Parse(status), (int)attempts, Time.FromMs(next_attempt_at), last_reply);
}

internal static class Columns
{
    public const string Message = "m.id, m.sender, m.subject, m.size, m.auth_user, m.client_ip, m.helo, m.source, m.received_at, m.spool_path, m.content_verdict";
    public const string Recipient = "r.id, r.message_id, r.address, r.domain, r.route, r.status, r.attempts, r.next_attempt_at, r.last_reply";
}
