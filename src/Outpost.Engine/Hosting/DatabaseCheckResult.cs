namespace Outpost.Engine.Hosting;

/// <summary>What the database says about itself: its integrity check's answer ("ok" when sound), the schema version it has and the one this build knows.</summary>
public sealed record DatabaseCheckResult(string Integrity, int SchemaVersion, int KnownSchemaVersion);
