using System.Net;
using System.Net.Sockets;
using Npgsql;
using Outpost.Storage.Postgres;

namespace Outpost.Engine.Tests.Postgres;

/// <summary>The PostgreSQL back end's own part: migrating at start (once, under a lock), and the sentences that refuse a start.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresMigrationTests(PostgresFixture fixture) : IDisposable
{
    readonly TestDatabase _database = fixture.NewDatabase();

    long Scalar(string sql)
    {
        using var connection = new NpgsqlConnection(_database.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Nodes_that_start_together_migrate_once_and_leave_no_lock_behind()
    {
        // Without the advisory lock, concurrent CREATE TABLEs of the same schema fail in all but one node.
        var nodes = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => PostgresDatabase.Open(_database.ConnectionString))));
        foreach (var node in nodes)
            node.Dispose();
        Assert.Equal(SchemaMigrator.Scripts.Count, Scalar("SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal(SchemaMigrator.Latest, Scalar("SELECT MAX(version) FROM schema_migrations"));
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory'"));

        // A node started later finds nothing to do.
        PostgresDatabase.Open(_database.ConnectionString).Dispose();
        Assert.Equal(SchemaMigrator.Scripts.Count, Scalar("SELECT COUNT(*) FROM schema_migrations"));
    }

    [Fact]
    public void A_schema_newer_than_this_build_is_refused_with_a_sentence()
    {
        PostgresDatabase.Open(_database.ConnectionString).Dispose();
        var newer = SchemaMigrator.Latest + 7;
        Scalar($"INSERT INTO schema_migrations (version, name, applied_at) VALUES ({newer}, '{newer:D4}_later.sql', now()) RETURNING version");

        var refused = Assert.Throws<PostgresStartupException>(() => PostgresDatabase.Open(_database.ConnectionString));
        Assert.Equal($"The database's schema is at version {newer}; this Outpost knows up to {SchemaMigrator.Latest}; " +
            "upgrade Outpost before starting it against this database.", refused.Message);
        Assert.Equal(0, Scalar("SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory'"));
    }

    [Fact]
    public void A_database_out_of_reach_or_a_wrong_password_is_one_sentence_without_the_password()
    {
        int closedPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closedPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var unreachable = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Port = closedPort, Timeout = 3 };
        var refused = Assert.Throws<PostgresStartupException>(() => PostgresDatabase.Open(unreachable.ConnectionString));
        Assert.StartsWith($"PostgreSQL at 127.0.0.1:{closedPort} cannot be used (", refused.Message, StringComparison.Ordinal);
        Assert.EndsWith("; check Storage:ConnectionString and that the server is running.", refused.Message, StringComparison.Ordinal);

        var wrong = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Password = "not-the-password-1234" };
        refused = Assert.Throws<PostgresStartupException>(() => PostgresDatabase.Open(wrong.ConnectionString));
        Assert.Contains("28P01", refused.Message, StringComparison.Ordinal); // invalid password
        Assert.DoesNotContain("not-the-password-1234", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(new NpgsqlConnectionStringBuilder(_database.ConnectionString).Password!, refused.Message, StringComparison.Ordinal);

        refused = Assert.Throws<PostgresStartupException>(() => PostgresDatabase.Open("Host=127.0.0.1;Pasword=secret-typo"));
        Assert.StartsWith("Storage:ConnectionString is not a PostgreSQL connection string (", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-typo", refused.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _database.Dispose();
}
