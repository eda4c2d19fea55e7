using Outpost.Engine.Queue;

namespace Outpost.Engine.Accounts;

/// <summary>
/// Who calls the HTTP API or uses the admin pages: a mailbox (its password, or a mailbox key) or a domain
/// (a domain key or a domain admin, which sends as any address of the domain, like a trusted network).
/// An operator manages every domain and reads all mail, but sends only as itself. <paramref name="KeyId"/>
/// is the API key the caller presented, if any.
/// </summary>
public sealed record ApiCaller(string? Mailbox, string Domain, bool DomainWide, bool Operator = false, string? KeyId = null)
{
    /// <summary>
    /// Who is calling, for what a caller leaves behind between requests (idempotency keys): the API key,
    /// or the mailbox that logged in. Two keys of one domain are two callers.
    /// </summary>
    public string CallerId => KeyId is not null ? "key:" + KeyId : "mailbox:" + Mailbox;

    /// <summary>The send log filter that keeps to the caller's own mail: none, a domain, or a mailbox.</summary>
    public string? LogScope => Operator ? null : DomainWide ? Domain : Mailbox;

    /// <summary>Whether the caller may read this message's report.</summary>
    public bool CanSee(QueuedMessage message) =>
        Operator ||
        (DomainWide
            ? message.Sender.EndsWith("@" + Domain, StringComparison.OrdinalIgnoreCase)
            : message.Sender == Mailbox || message.AuthUser == Mailbox);

    /// <summary>Who acts, as the audit trail names it: the mailbox, or the key's domain, with the key it used.</summary>
    public string Actor => (Mailbox ?? Domain) + (KeyId is null ? "" : $" (key {KeyId})");

    /// <summary>Whether the caller may see and manage this domain's records.</summary>
    public bool OwnsDomain(string domain) => Operator || string.Equals(domain, Domain, StringComparison.OrdinalIgnoreCase);
}
