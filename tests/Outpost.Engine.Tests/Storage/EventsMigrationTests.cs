using Dapper;
using Microsoft.Data.Sqlite;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Storage;

/// <summary>
/// Migration 0011 rebuilds the events outbox: every event is kept with its id, gains its message's
/// sender and sending domain, and the id counter goes on from where it was (never reusing an id a
/// purge freed), so a reader's "after this id" stays right across the upgrade.
/// </summary>
public sealed class EventsMigrationTests : IDisposable
{
    readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_outbox_keeps_its_events_and_ids_and_gains_their_senders()
    {
        var path = Path.Combine(_dir.Path, "outpost.db");
        using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            c.Open();
            // The schema as it was before 0011: the same scripts the runner applies, up to 0010.
            c.Execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);");
            var assembly = typeof(SqliteDatabase).Assembly;
            foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)).Order())
            {
                var file = name.Split('.')[^2];
                var version = int.Parse(file[..file.IndexOf('_')], System.Globalization.CultureInfo.InvariantCulture);
                if (version >= 11)
                    continue;
                using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                c.Execute(reader.ReadToEnd());
                c.Execute("INSERT INTO schema_migrations VALUES (@version, @name, 0)", new { version, name });
            }
            c.Execute("INSERT INTO messages (id, sender, size, source, received_at, spool_path, sender_domain) VALUES ('M1', 'alice@example.com', 1, 'submission', 0, 'x', 'example.com')");
            for (var i = 0; i < 5; i++)
                c.Execute("INSERT INTO events (type, message_id, recipient_id, address, to_status, attempt, created_at) VALUES ('queued', 'M1', 1, 'bob@remote.test', 'queued', 0, @i)",
                    new { i });
            c.Execute("INSERT INTO events (type, message_id, recipient_id, address, to_status, attempt, created_at) VALUES ('queued', 'GONE', 2, 'x@remote.test', 'queued', 0, 9)");
            c.Execute("DELETE FROM events WHERE id >= 5"); // a purge took the newest: the counter stands at 6, the largest id at 4
        }

        using var db = new SqliteDatabase(path);
        using var read = db.OpenRead();
        var rows = read.Query<(long Id, string Sender, string Domain)>("SELECT id, sender, sender_domain FROM events ORDER BY id").ToList();
        Assert.Equal([(1L, "alice@example.com", "example.com"), (2L, "alice@example.com", "example.com"), (3L, "alice@example.com", "example.com"),
            (4L, "alice@example.com", "example.com")], rows);
        var log = new SqliteSendLog(db);
        await log.RecordRefusalAsync(new Engine.SendLog.Refusal(DateTimeOffset.UnixEpoch, "s", "127.0.0.1", null, "alice@example.com", "x@remote.test", "rcpt", 550, "550 5.7.1 no"),
            [Engine.Queue.RecipientTransitions.Refused("alice@example.com", "x@remote.test", 550, "550 5.7.1 no", suppressed: false)]);
        Assert.Equal(7, await log.LatestEventIdAsync()); // after 6, never 5
        Assert.Equal(1L, read.ExecuteScalar<long>("SELECT COUNT(*) FROM events WHERE message_id IS NULL AND id = 7"));
    }
}
