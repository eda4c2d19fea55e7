namespace Outpost.Engine.Accounts;

/// <summary>
/// An API key for the HTTP API, scoped to one domain (it may send as any address of it and read its
/// log) or one mailbox (as that mailbox). Only a hash of the secret is stored; the secret is shown once.
/// </summary>
public sealed record ApiKey(string Id, string Scope, string Subject, string SecretHash, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
