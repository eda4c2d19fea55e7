namespace Outpost.Engine.Accounts;

/// <summary>A domain whose mailboxes the provider hosts.</summary>
public sealed record HostedDomain(string Name, Plan Plan, DateTimeOffset CreatedAt);
