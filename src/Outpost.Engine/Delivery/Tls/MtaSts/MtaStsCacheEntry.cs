namespace Outpost.Engine.Delivery.Tls.MtaSts;

/// <summary>A domain's MTA-STS policy as cached: the policy, when it was fetched, and until when it may be used (fetched plus max_age).</summary>
public sealed record MtaStsCacheEntry(string Domain, MtaStsPolicy Policy, DateTimeOffset FetchedAt, DateTimeOffset ExpiresAt);
