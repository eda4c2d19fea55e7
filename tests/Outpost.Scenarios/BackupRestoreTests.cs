using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// Backup and restore round trip: mail queued for a destination that is down is backed up while the server
/// runs; a restore is refused onto the running server's directory and onto one that is not empty; restored
/// into a new directory and started there, the server delivers the queued mail once the destination comes
/// up, signed with the restored DKIM keys.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class BackupRestoreTests(MailWorld world)
{
    [Fact]
    public async Task Mail_queued_for_a_down_destination_is_delivered_by_the_restored_server()
    {
        await world.Dns.PublishAsync(["mx-host=later.test,mx.later.test,10", "address=/mx.later.test/127.0.0.32"]);
        var token = Submit.Token();
        // The destination's outage must not put the channel into its cool-down (which the backup carries along).
        var settings = new Dictionary<string, string> { ["OUTPOST__Routing__FailuresBeforeCoolDown"] = "1000" };
        await using var original = await world.StartOutpostAsync("backup-a-" + token, "restore.test", settings);
        var recipients = Enumerable.Range(1, 3).Select(i => $"friend{i}-{token}@later.test").ToList();
        var ids = new List<string>();
        foreach (var recipient in recipients)
            ids.Add(await Submit.AcceptedAsync(Submit.AsAsync(original, "alice@restore.test", "alice@restore.test", recipient, "Minutes",
                "Dear Mr. Hall, please find the minutes of our meeting on Tuesday below.")));
        foreach (var id in ids)
            await original.WaitForStatusAsync(id, "deferred");

        var backup = Path.Combine(world.Directory, "backup-" + token);
        var made = await original.CliAsync("backup", backup);
        Assert.True(made.ExitCode == 0, made.All);
        Assert.Contains("Backed up", made.Output);
        foreach (var part in new[] { "outpost.db", "backup.json", "spool", "dkim", "keys" })
            Assert.True(File.Exists(Path.Combine(backup, part)) || Directory.Exists(Path.Combine(backup, part)), $"the backup lacks {part}");
        Assert.Equal(ids.Order(), Directory.GetFiles(Path.Combine(backup, "spool"), "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order());

        var onRunning = await original.CliAsync("restore", backup);
        Assert.Equal(1, onRunning.ExitCode);
        Assert.Contains($"A server is running on the data directory {original.DataDirectory}; stop it before restoring.", onRunning.All);
        await original.TerminateAsync(TimeSpan.FromSeconds(60));
        var notEmpty = await original.CliAsync("restore", backup);
        Assert.Equal(1, notEmpty.ExitCode);
        Assert.Contains($"The data directory {original.DataDirectory} is not empty", notEmpty.All);

        await using var restored = new OutpostServer(Path.Combine(world.Directory, "backup-b-" + token), world.Dns, world.Mx.Port, settings);
        var done = await restored.CliAsync("restore", backup);
        Assert.True(done.ExitCode == 0, done.All);
        await restored.StartAsync();
        await using var destination = await RemoteMx.StartAsync(world.Directory, "127.0.0.32", world.Mx.Port);
        // As after any outage: the operator sends what waits now rather than at its next retry.
        var flush = await restored.CliAsync("queue", "flush");
        Assert.True(flush.ExitCode == 0, flush.All);
        try
        {
            foreach (var id in ids)
                await restored.WaitForStatusAsync(id, "delivered");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}\n{(await restored.CliAsync("status", ids[0])).All}\n{restored.Log}", e);
        }
        foreach (var recipient in recipients)
        {
            var received = Assert.Single(destination.MessagesTo(recipient));
            Assert.Contains("d=restore.test", received.Text);
        }
    }
}
