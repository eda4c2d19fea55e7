namespace Outpost.Engine.Hosting;

/// <summary>A backup or restore refused or failed, with the sentence that says why.</summary>
public sealed class BackupException(string message) : Exception(message);
