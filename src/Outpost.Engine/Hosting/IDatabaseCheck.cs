namespace Outpost.Engine.Hosting;

/// <summary>A storage back end's self-check for the doctor: integrity (SQLite's quick_check) and schema version. Read-only.</summary>
public interface IDatabaseCheck
{
    Task<DatabaseCheckResult> CheckAsync(CancellationToken cancellationToken = default);
}
