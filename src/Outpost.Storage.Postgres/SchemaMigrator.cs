using System.Globalization;
using System.Reflection;
using Npgsql;

namespace Outpost.Storage.Postgres;

/// <summary>
/// The PostgreSQL schema from numbered scripts (<c>Migrations/NNNN_name.sql</c>, embedded), applied in
/// order, each in its own transaction, and recorded in <c>schema_migrations</c>. Every node migrates at
/// start under one session advisory lock: nodes that start together wait for each other, and the second
/// finds nothing left to do. A database whose schema is newer than the scripts this build knows is
/// refused, since this code would misread it.
/// </summary>
static class SchemaMigrator
{
    /// <summary>"outpost" in ASCII: the advisory lock key of Outpost's migrations in its database.</summary>
    const long LockKey = 0x6F7574706F7374;

    /// <summary>A migration may rebuild an index on a large table; the default 30 s command timeout is too short.</summary>
    const int TimeoutSeconds = 600;

    public static IReadOnlyList<(int Version, string Name, string Resource)> Scripts { get; } = typeof(SchemaMigrator).Assembly
        .GetManifestResourceNames()
        .Where(n => n.EndsWith(".sql", StringComparison.Ordinal))
        .Select(n => (Version: VersionOf(n), Name: NameOf(n), Resource: n))
        .OrderBy(s => s.Version)
        .ToList();

    /// <summary>The newest schema version this build knows.</summary>
    public static int Latest => Scripts[^1].Version;

    public static void Migrate(NpgsqlDataSource source)
    {
        using var connection = source.OpenConnection();
        Execute(connection, null, "SELECT pg_advisory_lock(@key)", LockKey);
        try
        {
            Execute(connection, null, "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)");
            var applied = new HashSet<int>();
            using (var read = new NpgsqlCommand("SELECT version FROM schema_migrations", connection))
            using (var reader = read.ExecuteReader())
                while (reader.Read())
                    applied.Add(reader.GetInt32(0));
            if (applied.Count > 0 && applied.Max() > Latest)
                throw new PostgresStartupException(
                    $"The database's schema is at version {applied.Max().ToString(CultureInfo.InvariantCulture)}; this Outpost knows up to " +
                    $"{Latest.ToString(CultureInfo.InvariantCulture)}; upgrade Outpost before starting it against this database.");

            var assembly = typeof(SchemaMigrator).Assembly;
            foreach (var (version, name, resource) in Scripts.Where(s => !applied.Contains(s.Version)))
            {
                using var transaction = connection.BeginTransaction();
                Execute(connection, transaction, Read(assembly, resource));
                using (var record = new NpgsqlCommand("INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, now())", connection, transaction))
                {
                    record.Parameters.Int("v", version).Text("n", name);
                    record.ExecuteNonQuery();
                }
                transaction.Commit();
            }
        }
        finally
        {
            // A broken connection has lost the lock with its session already.
            if (connection.FullState == System.Data.ConnectionState.Open)
                Execute(connection, null, "SELECT pg_advisory_unlock(@key)", LockKey);
        }
    }

    static void Execute(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, long? key = null)
    {
        using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = TimeoutSeconds };
        if (key is { } k)
            command.Parameters.Long("key", k);
        command.ExecuteNonQuery();
    }

    /// <summary>"Outpost.Storage.Postgres.Migrations.0001_queue_and_send_log.sql" is version 1.</summary>
    static int VersionOf(string resource)
    {
        var file = NameOf(resource);
        return int.Parse(file[..file.IndexOf('_', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
    }

    static string NameOf(string resource) => resource.Split('.')[^2] + ".sql";

    static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
