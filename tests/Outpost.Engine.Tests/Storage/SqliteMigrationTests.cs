using Dapper;
using Microsoft.Data.Sqlite;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Storage;

/// <summary>The SQLite back end's own part: its schema migrations (the store behaviour is in Contracts/).</summary>
public sealed class SqliteMigrationTests : IDisposable
{
    readonly TempDirectory _dir = new();
    readonly SqliteDatabase _db;

    public SqliteMigrationTests() => _db = new SqliteDatabase(Path.Combine(_dir.Path, "outpost.db"));

    [Theory]
    [InlineData("SELECT COUNT(*) FROM recipients WHERE status IN {0}")]
    [InlineData("SELECT COUNT(*) FROM recipients r JOIN messages m ON m.id = r.message_id WHERE r.status IN {0} AND m.sender_domain = 'example.com'")]
    public void The_dashboards_waiting_count_reads_only_the_waiting_recipients(string query)
    {
        // The list the dashboard store writes; if it changes, recipients_waiting (migration 0025) must change with it.
        var sql = string.Format(System.Globalization.CultureInfo.InvariantCulture, query, Outpost.Engine.Queue.RecipientStatusNames.SqlList(Outpost.Engine.Queue.RecipientStatusNames.Waiting));
        using var c = _db.OpenRead();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + sql;
        var steps = new List<string>();
        using (var reader = cmd.ExecuteReader())
            while (reader.Read())
                steps.Add(reader.GetString(3)); // id, parent, notused, detail
        var plan = string.Join("\n", steps);
        Assert.Contains("USING INDEX recipients_waiting", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("SCAN m", plan, StringComparison.Ordinal);
    }

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

    [Fact]
    public async Task The_queue_operations_migration_keeps_the_recipients_and_moves_the_restrictions_trail_into_the_audit()
    {
        // A database as the release before it left it: every migration before 0012 applied, with rows.
        var path = Path.Combine(_dir.Path, "old.db");
        using (var old = new SqliteConnection($"Data Source={path};Pooling=false"))
        {
            old.Open();
            old.Execute("PRAGMA foreign_keys=ON; CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);");
            var assembly = typeof(SqliteDatabase).Assembly;
            foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order())
            {
                var file = name.Split('.')[^2];
                var version = int.Parse(file[..file.IndexOf('_')], System.Globalization.CultureInfo.InvariantCulture);
                if (version >= 12)
                    continue;
                using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                old.Execute(reader.ReadToEnd());
                old.Execute("INSERT INTO schema_migrations VALUES (@version, @name, 0)", new { version, name });
            }
            old.Execute("""
                INSERT INTO messages (id, sender, size, source, received_at, spool_path) VALUES ('0000000000AAAAAA', 'alice@example.com', 1, 'submission', 0, 'p');
                INSERT INTO recipients (message_id, address, domain, route, status, next_attempt_at, updated_at) VALUES ('0000000000AAAAAA', 'b@remote.test', 'remote.test', 'remote', 'deferred', 0, 0);
                INSERT INTO attempts (recipient_id, message_id, at, outcome, reply, duration_ms) VALUES (1, '0000000000AAAAAA', 0, 'deferred', '451 later', 0);
                INSERT INTO restriction_events (at, scope, subject, action, by, reason) VALUES (1, 'mailbox', 'alice@example.com', 'restricted', 'outpost', '3 or more'),
                    (2, 'mailbox', 'alice@example.com', 'lifted', 'anna', 'talked to her');
                """);
        }

        using var db = new SqliteDatabase(path);
        using var c = db.OpenRead();
        Assert.Equal("deferred", c.ExecuteScalar<string>("SELECT status FROM recipients WHERE id = 1"));
        Assert.Equal(1, c.ExecuteScalar<long>("SELECT COUNT(*) FROM attempts WHERE recipient_id = 1"));
        Assert.Equal(["restricted outpost outpost alice@example.com example.com", "lifted anna  alice@example.com example.com"],
            c.Query<(string, string, string?, string, string)>("SELECT action, actor, via, target, domain FROM audit ORDER BY id").Select(r => $"{r.Item1} {r.Item2} {r.Item3} {r.Item4} {r.Item5}"));
        Assert.Equal(0, c.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'restriction_events'"));
        // The rebuilt table has its four indexes again (later migrations may add more, e.g. 0018's recipients_leased).
        Assert.Equal(4, c.ExecuteScalar<long>("SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'recipients' " +
            "AND name IN ('recipients_message', 'recipients_address', 'recipients_due', 'recipients_held')"));
        // The new final status is allowed; foreign keys hold again once the migrations are done.
        await db.WriteAsync((w, t) => w.Execute("UPDATE recipients SET status = 'deleted' WHERE id = 1", transaction: t));
        var broken = await Assert.ThrowsAsync<SqliteException>(() => db.WriteAsync((w, t) =>
            w.Execute("INSERT INTO attempts (recipient_id, message_id, at, outcome, reply, duration_ms) VALUES (99, 'x', 0, 'deferred', 'r', 0)", transaction: t)));
        Assert.Contains("FOREIGN KEY", broken.Message);
    }

    public void Dispose()
    {
        _db.Dispose();
        _dir.Dispose();
    }
}
