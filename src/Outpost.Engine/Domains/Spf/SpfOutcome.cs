namespace Outpost.Engine.Domains.Spf;

/// <summary>A check_host result, why, and how many DNS-querying terms it took.</summary>
public sealed record SpfOutcome(SpfResult Result, string Reason, int Lookups);
