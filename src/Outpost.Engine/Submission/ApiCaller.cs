namespace Outpost.Engine.Submission;

/// <summary>
/// Who calls the HTTP API: a mailbox (its password, or a mailbox key) or a domain (a domain key, which
/// sends as any address of the domain, like a trusted network). An operator manages every domain and
/// reads all mail, but sends only as itself.
/// </summary>
public sealed record ApiCaller(string? Mailbox, string Domain, bool DomainWide, bool Operator = false);
