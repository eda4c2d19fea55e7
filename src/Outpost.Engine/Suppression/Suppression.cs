namespace Outpost.Engine.Suppression;

/// <summary>
/// One address on a sending domain's suppression list: mail from that domain to it is refused at RCPT.
/// <see cref="Reason"/> is the remote reply that put it there (or an operator's words), <see cref="Source"/>
/// how it came (bounce, operator, import), and it lapses at <see cref="ExpiresAt"/> when that is set.
/// </summary>
public sealed record Suppression(
    string Domain,
    string Address,
    string Reason,
    string Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt = null,
    string? MessageId = null,
    string? CreatedBy = null)
{
    public bool IsActive(DateTimeOffset now) => ExpiresAt is not { } end || end > now;
}
