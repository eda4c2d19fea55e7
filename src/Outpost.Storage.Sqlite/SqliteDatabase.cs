using System.Reflection;
using Microsoft.Data.Sqlite;

namespace Outpost.Storage.Sqlite;

/// <summary>
/// The embedded database: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so a committed
/// transaction survives power loss. Writes go through one long-lived connection, one at a time (SQLite
/// has a single writer anyway, and waiting in-process is cheaper than retrying on SQLITE_BUSY); reads
/// use pooled connections and never block the writer. The schema comes from numbered migrations.
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    readonly string _connectionString;
    readonly SqliteConnection _writer;
    readonly SemaphoreSlim _writeLock = new(1, 1);

    public SqliteDatabase(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        _writer = new SqliteConnection(_connectionString);
        _writer.Open();
        // Password hashes and relay credentials live here: readable by Outpost's user only.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        // Foreign keys stay off while migrations run: a migration that makes a table anew (SQLite cannot
        // change a constraint in place) drops the old one under rows that refer to it. Each migration checks
        // the keys itself before it commits.
        Execute(_writer, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF; PRAGMA busy_timeout=10000;");
        Migrate();
        Execute(_writer, "PRAGMA foreign_keys=ON;");
    }

    /// <summary>A pooled connection for reads. (Waiting on a busy database is covered by the connection string's DefaultTimeout.)</summary>
    public SqliteConnection OpenRead()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();
        return connection;
    }

    /// <summary>Runs <paramref name="work"/> in one write transaction (BEGIN IMMEDIATE) and commits it.</summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken = default)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            using var transaction = _writer.BeginTransaction();
            var result = work(_writer, transaction);
            transaction.Commit();
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    void Migrate()
    {
        Execute(_writer, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);");
        var assembly = typeof(SqliteDatabase).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(n => n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Name: n, Version: VersionOf(n)))
            .OrderBy(s => s.Version);
        foreach (var (name, version) in scripts)
        {
            using var check = _writer.CreateCommand();
            check.CommandText = "SELECT COUNT(*) FROM schema_migrations WHERE version = $v";
            check.Parameters.AddWithValue("$v", version);
            if ((long)check.ExecuteScalar()! > 0)
                continue;
            using var transaction = _writer.BeginTransaction();
            using var command = _writer.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = Read(assembly, name);
            command.ExecuteNonQuery();
            command.CommandText = "PRAGMA foreign_key_check";
            using (var broken = command.ExecuteReader())
                if (broken.Read())
                    throw new InvalidOperationException($"The migration {name} leaves rows of {broken.GetString(0)} that refer to rows that do not exist.");
            command.CommandText = "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($v, $n, $t)";
            command.Parameters.AddWithValue("$v", version);
            command.Parameters.AddWithValue("$n", name);
            command.Parameters.AddWithValue("$t", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            command.ExecuteNonQuery();
            transaction.Commit();
        }
    }

    /// <summary>"Outpost.Storage.Sqlite.Migrations.0001_initial.sql" is version 1.</summary>
    /// <summary>The newest migration this build carries.</summary>
    public static int KnownVersion() =>
        typeof(SqliteDatabase).Assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Select(VersionOf).DefaultIfEmpty(0).Max();

    static int VersionOf(string resource)
    {
        var file = resource.Split('.')[^2];
        return int.Parse(file[..file.IndexOf('_')], System.Globalization.CultureInfo.InvariantCulture);
    }

    static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public void Dispose()
    {
        // A write still in flight (a background writer's last batch at shutdown) finishes before its
        // connection closes under it; one that takes longer than this is cut off, as a crash would be.
        _writeLock.Wait(TimeSpan.FromSeconds(10));
        _writer.Dispose();
    }
}
