namespace Outpost.Engine.Hosting;

/// <summary><c>backup.json</c>: which build made the backup, when, and what it holds (restore checks that it is there).</summary>
public sealed record BackupManifest(string Version, string Commit, DateTimeOffset CreatedAt, int SpoolFiles, IReadOnlyList<string> Contents);
