using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>Nothing accepted is lost: a 250 means the message survives a SIGKILL.</summary>
[Collection(MailWorldCollection.Name)]
public sealed class CrashRecoveryTests(MailWorld world)
{
    [Fact]
    public async Task A_message_accepted_just_before_a_kill_is_delivered_after_restart()
    {
        await using var server = await world.StartOutpostAsync("crash-" + Submit.Token(), "crash.test");
        // The MX holds "slow" recipients for 3 seconds at RCPT, so the kill lands mid-delivery.
        var recipient = $"slow-{Submit.Token()}@remote.test";
        var id = await Submit.AcceptedAsync(Submit.AsAsync(server, "alice@crash.test", "alice@crash.test", recipient, "survives a crash"));
        server.Kill();

        Assert.Empty(world.Mx.MessagesTo(recipient));
        await server.StartAsync();
        await server.WaitForStatusAsync(id, "delivered");
        await Task.Delay(3500);
        Assert.Single(world.Mx.MessagesTo(recipient));
    }
}
