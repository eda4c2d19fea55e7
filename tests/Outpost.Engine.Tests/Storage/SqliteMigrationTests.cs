using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Storage;

/// <summary>The SQLite back end's own part: its schema migrations (the store behaviour is in Contracts/).</summary>
public sealed class SqliteMigrationTests : IDisposable
{
    readonly TempDirectory _dir = new();
    readonly SqliteDatabase _db;

    public SqliteMigrationTests() => _db = new SqliteDatabase(Path.Combine(_dir.Path, "outpost.db"));

    [Fact]
    public void Migrations_run_once()
    {
        static long Applied(SqliteDatabase db)
        {
            using var c = db.OpenRead();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM schema_migrations";
            return (long)cmd.ExecuteScalar()!;
        }
        var first = Applied(_db);
        Assert.True(first >= 2);
        _db.Dispose();
        using var again = new SqliteDatabase(Path.Combine(_dir.Path, "outpost.db"));
        Assert.Equal(first, Applied(again));
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }
}
