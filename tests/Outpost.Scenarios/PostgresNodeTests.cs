using Npgsql;
using Outpost.Engine.Tests.Postgres;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// One real `outpost serve` with Storage:Provider = postgres, on a private PostgreSQL cluster: the CLI sets
/// the domain up there, the node starts, takes mail over SMTP and delivers it to a hosted mailbox and to
/// the remote MX, and the rows are in PostgreSQL, not in a SQLite file.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class PostgresNodeTests(MailWorld world)
{
    [Fact]
    public async Task A_node_on_postgres_starts_and_delivers_hosted_and_remote_mail_recorded_in_the_database()
    {
        using var cluster = PostgresCluster.Start();
        var database = cluster.CreateDatabase();
        var connection = cluster.ConnectionString(database);
        var settings = new Dictionary<string, string>
        {
            ["OUTPOST__Storage__Provider"] = "postgres",
            ["OUTPOST__Storage__ConnectionString"] = connection,
        };
        await using var server = await world.StartOutpostAsync("pg-" + Submit.Token(), "pg.test", settings);

        var remote = $"pg-{Submit.Token()}@remote.test";
        var sent = await Submit.AcceptedAsync(Submit.AsAsync(server, "alice@pg.test", "alice@pg.test", remote, "through postgres"));
        var hosted = await Submit.AcceptedAsync(Submit.AsAsync(server, "alice@pg.test", "alice@pg.test", "bob@pg.test", "hosted through postgres"));
        await server.WaitForStatusAsync(sent, "delivered");
        await server.WaitForStatusAsync(hosted, "delivered");
        Assert.Single(world.Mx.MessagesTo(remote));
        Assert.Single(server.MailboxFiles("bob@pg.test"));

        Assert.False(File.Exists(Path.Combine(server.DataDirectory, "outpost.db")), "a PostgreSQL node must not make a SQLite database");
        await using var db = NpgsqlDataSource.Create(connection);
        async Task<long> CountAsync(string sql)
        {
            await using var command = db.CreateCommand(sql);
            return (long)(await command.ExecuteScalarAsync())!;
        }
        Assert.Equal(3, await CountAsync("SELECT COUNT(*) FROM mailboxes WHERE domain = 'pg.test'"));
        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM recipients WHERE status = 'delivered'"));
        Assert.True(await CountAsync("SELECT COUNT(*) FROM dkim_keys WHERE domain = 'pg.test'") >= 1);
        Assert.True(await CountAsync("SELECT COUNT(*) FROM events WHERE type = 'delivered'") == 2);
    }
}
