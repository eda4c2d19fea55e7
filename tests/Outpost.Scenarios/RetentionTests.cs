using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>Retention in the real server: orphaned spool files are swept in the background, and `outpost purge` reports per kind.</summary>
[Collection(MailWorldCollection.Name)]
public sealed class RetentionTests(MailWorld world)
{
    [Fact]
    public async Task The_server_sweeps_an_orphaned_spool_file_and_keeps_the_young_send_log()
    {
        await using var server = await world.StartOutpostAsync("retention-" + Submit.Token(), "retention.test",
            new Dictionary<string, string> { ["OUTPOST__Retention__Interval"] = "00:00:01" });
        var id = await Submit.AcceptedAsync(Submit.AsAsync(server, "alice@retention.test", "alice@retention.test", "bob@retention.test", "kept"));
        await server.WaitForStatusAsync(id, "delivered");

        // What a crash between the fsync and the commit leaves: a file named like a queue id, no rows, hours old.
        var orphan = Path.Combine(server.DataDirectory, "spool", "0000000000AAAAAA");
        await File.WriteAllTextAsync(orphan, "Subject: lost\r\n\r\nlost\r\n");
        File.SetLastWriteTimeUtc(orphan, DateTime.UtcNow.AddHours(-3));

        await Eventually.GetAsync(() => File.Exists(orphan) ? null : "gone", "the orphaned spool file to be swept");
        await Eventually.GetAsync(() => server.Log.Contains("Retention removed 1 spool-files", StringComparison.Ordinal) ? "logged" : null, "the sweep in the log");

        var purge = await server.CliJsonAsync("purge", "--dry-run");
        Assert.True(purge.GetProperty("dryRun").GetBoolean());
        Assert.Equal(0, purge.GetProperty("total").GetInt64());
        Assert.Equal("90.00:00:00", purge.GetProperty("kinds")[0].GetProperty("olderThan").GetString());
        // A delivered message of today stays in the send log.
        Assert.Equal("delivered", (await server.CliJsonAsync("status", id)).GetProperty("recipients")[0].GetProperty("status").GetString());
    }
}
