using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// One `outpost serve` per data directory: a second one on the same directory refuses to start, naming the
/// running one, before it listens or touches the queue (two would deliver the same messages twice); the
/// management commands still work beside the server; and the lock dies with its process, even a SIGKILLed
/// one, so a restart after a crash needs nothing cleared by hand.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class DataDirectoryLockTests(MailWorld world)
{
    [Fact]
    public async Task A_second_serve_on_the_same_data_directory_refuses_with_a_sentence_naming_the_running_one()
    {
        await using var server = await world.StartOutpostAsync("lock-" + Submit.Token(), "lock.test");

        var second = await server.CliAsync("serve");

        Assert.Equal(1, second.ExitCode);
        var sentence = second.Error.Trim();
        Assert.Single(sentence.Split('\n'));
        Assert.StartsWith($"Another outpost serve is running on the data directory {Path.GetFullPath(server.DataDirectory)} (process ", sentence, StringComparison.Ordinal);
        Assert.EndsWith("; stop it first, or give this one its own --data directory.", sentence, StringComparison.Ordinal);
        Assert.Contains($" on {Environment.MachineName}, started ", sentence, StringComparison.Ordinal);
        // The first one is untouched and a management command works beside it.
        var domains = await server.CliAsync("domain", "list");
        Assert.True(domains.ExitCode == 0, domains.All);
        Assert.Contains("lock.test", domains.Output, StringComparison.Ordinal);
        var id = await Submit.AcceptedAsync(Submit.AsAsync(server, "alice@lock.test", "alice@lock.test", $"bob-{Submit.Token()}@remote.test", "still the only server"));
        await server.WaitForStatusAsync(id, "delivered");
    }

    [Fact]
    public async Task The_lock_goes_with_a_killed_server_and_the_next_one_starts_and_keeps_its_node_name()
    {
        await using var server = await world.StartOutpostAsync("lockkill-" + Submit.Token(), "lockkill.test");
        var node = File.ReadAllText(Path.Combine(server.DataDirectory, "node-id")).Trim();
        server.Kill();

        await server.StartAsync();

        Assert.Equal(node, File.ReadAllText(Path.Combine(server.DataDirectory, "node-id")).Trim());
        var second = await server.CliAsync("serve");
        Assert.Equal(1, second.ExitCode);
        Assert.StartsWith("Another outpost serve is running on the data directory ", second.Error.Trim(), StringComparison.Ordinal);
    }
}
