using Microsoft.Data.Sqlite;
using Outpost.Engine.Hosting;

namespace Outpost.Storage.Sqlite;

/// <summary>The doctor's look at the SQLite file: <c>PRAGMA quick_check</c> (reads every page, minutes at most even for a large file) and the schema version.</summary>
public sealed class SqliteDatabaseCheck(SqliteDatabase database) : IDatabaseCheck
{
    public async Task<DatabaseCheckResult> CheckAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = database.OpenRead();
        var lines = new List<string>();
        await using (var quick = connection.CreateCommand())
        {
            quick.CommandText = "PRAGMA quick_check(20)";
            await using var reader = await quick.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                lines.Add(reader.GetString(0));
        }
        await using var version = connection.CreateCommand();
        version.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";
        var current = Convert.ToInt32(await version.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return new DatabaseCheckResult(string.Join("; ", lines), current, SqliteDatabase.KnownVersion());
    }
}
