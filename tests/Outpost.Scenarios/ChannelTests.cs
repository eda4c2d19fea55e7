using System.Text.Json;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// Multi-channel delivery (M2, M3) with real peers: channels bound to 127.0.0.2, .3 and .4; an MX on
/// 127.0.0.12 that refuses .2 with a block-list 554 and .3 with 421; a relay on 127.0.0.13 that wants
/// STARTTLS and AUTH; failover, bounces without failover, deferral and recovery, a broken channel.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class ChannelTests(MailWorld world)
{
    const string RelayUser = "relay-user";
    const string RelayPassword = "relay-secret-1";

    async Task<(OutpostServer Server, RemoteMx Picky, RemoteMx Relay)> SetupAsync()
    {
        var picky = await world.SharedPeerAsync("picky-mx", () => RemoteMx.StartAsync(world.Directory, "127.0.0.12", world.Mx.Port,
            "--refuse", "127.0.0.2=554 5.7.1 Service unavailable; client host [127.0.0.2] blocked using zen.spamhaus.org",
            "--refuse", "127.0.0.3=421 4.7.0 Too many connections, try again later"));
        var relay = await world.SharedPeerAsync("relay", () => RemoteMx.StartAsync(world.Directory, "127.0.0.13", Ports.Free("127.0.0.13"),
            "--auth", $"{RelayUser}:{RelayPassword}"));
        var server = await world.SharedOutpostAsync("channels", "chan.test", new Dictionary<string, string>());
        if ((await server.CliJsonAsync("channel", "list")).GetArrayLength() == 0)
        {
            await world.Dns.PublishAsync([
                "mx-host=failover.test,mx.failover.test,10", "address=/mx.failover.test/127.0.0.12",
                "mx-host=dead.test,mx.dead.test,10", "address=/mx.dead.test/127.0.0.11",
            ]);
            foreach (var (name, bind) in new[] { ("c2", "127.0.0.2"), ("c3", "127.0.0.3"), ("c4", "127.0.0.4") })
                await Ok(server.CliAsync("channel", "add", name, "--bind", bind, "--helo", $"{name}.outpost.test", "--region", "eu"));
            await Ok(server.CliWithInputAsync(RelayPassword + "\n", "channel", "add", "smarthost", "--relay", $"127.0.0.13:{relay.Port}",
                "--user", RelayUser, "--no-verify-certificate", "--weight", "10", "--region", "us"));
        }
        return (server, picky, relay);
    }

    static async Task Ok(Task<ProcessResult> run)
    {
        var result = await run;
        Assert.True(result.ExitCode == 0, result.All);
    }

    static List<(string Channel, string Outcome, string Reply)> Attempts(JsonElement report) =>
        report.GetProperty("attempts").EnumerateArray()
            .Select(a => (a.GetProperty("channel").GetString() ?? "", a.GetProperty("outcome").GetString()!, a.GetProperty("reply").GetString()!)).ToList();

    [Fact]
    public async Task A_blocked_and_a_busy_channel_fail_over_to_the_third()
    {
        var (server, picky, _) = await SetupAsync();
        var recipient = $"friend-{Submit.Token()}@failover.test";
        var id = await Submit.AcceptedAsync(Submit.AsAsync(server, "alice@chan.test", "alice@chan.test", recipient, "through the third channel"));
        var report = await server.WaitForStatusAsync(id, "delivered");

        var attempts = Attempts(report);
        Assert.Equal(["c2", "c3", "c4"], attempts.Select(a => a.Channel));
        Assert.Contains("spamhaus", attempts[0].Reply);
        Assert.StartsWith("554", attempts[0].Reply);
        Assert.StartsWith("421", attempts[1].Reply);
        Assert.Equal(["deferred", "deferred", "delivered"], attempts.Select(a => a.Outcome));
        var received = Assert.Single(picky.MessagesTo(recipient));
        Assert.Equal("127.0.0.4", received.Peer);
    }

    [Fact]
    public async Task A_user_unknown_bounces_once_without_trying_other_channels()
    {
        var (server, _, _) = await SetupAsync();
        var id = await Submit.AcceptedAsync(Submit.AsAsync(server, "alice@chan.test", "alice@chan.test", $"unknown-{Submit.Token()}@remote.test", "nobody there"));
        var report = await server.WaitForStatusAsync(id, "bounced");
        var attempt = Assert.Single(Attempts(report));
        Assert.StartsWith("550", attempt.Reply);
        await Eventually.GetAsync(() => server.MailboxFiles("alice@chan.test").Count(f => File.ReadAllText(f).Contains(id)) == 1 ? "" : null, "one bounce");
    }

    [Fact]
    public async Task The_relay_carries_the_mail_when_every_direct_channel_fails()
    {
        var (server, _, relay) = await SetupAsync();
        var recipient = $"friend-{Submit.Token()}@dead.test";
        var id = await Submit.AcceptedAsync(Submit.AsAsync(server, "alice@chan.test", "alice@chan.test", recipient, "through the relay"));
        var report = await server.WaitForStatusAsync(id, "delivered");
        var attempts = Attempts(report);
        Assert.Equal("smarthost", attempts[^1].Channel);
        Assert.All(attempts.SkipLast(1), a => Assert.Contains("Cannot connect", a.Reply));
        var received = Assert.Single(relay.MessagesTo(recipient));
        Assert.True(received.Tls);
        Assert.StartsWith("TLSv1.", report.GetProperty("attempts")[attempts.Count - 1].GetProperty("tls").GetString());
    }

    [Fact]
    public async Task When_every_channel_answers_4xx_the_message_waits_and_is_delivered_when_one_recovers()
    {
        var (server, _, _) = await SetupAsync();
        // The test MX refuses this address four times, then takes it; the relay refuses it too at first.
        var recipient = $"tempfail-4-{Submit.Token()}@remote.test";
        var id = await Submit.AcceptedAsync(Submit.AsAsync(server, "alice@chan.test", "alice@chan.test", recipient, "patience"));
        var report = await server.WaitForStatusAsync(id, "delivered");
        var attempts = Attempts(report);
        Assert.Equal(["c2", "c3", "c4", "smarthost"], attempts.Take(4).Select(a => a.Channel));
        Assert.All(attempts.Take(4), a => Assert.StartsWith("451", a.Reply));
        Assert.Equal("delivered", attempts[^1].Outcome);
        Assert.Equal(2, report.GetProperty("recipients")[0].GetProperty("attempts").GetInt32());
    }

    [Fact]
    public async Task Route_shows_the_order_and_why()
    {
        var (server, _, _) = await SetupAsync();
        var route = await server.CliJsonAsync("route", "gmail.com", "--from", "chan.test");
        Assert.Equal(["c2", "c3", "c4", "smarthost"], route.EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        var list = await server.CliJsonAsync("channel", "list");
        var relayRow = list.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "smarthost");
        Assert.DoesNotContain(RelayPassword, list.GetRawText());
        Assert.Contains("AUTH", relayRow.GetProperty("path").GetString());
    }

    [Fact]
    public async Task A_channel_whose_address_is_not_on_the_machine_is_skipped_with_the_reason_shown()
    {
        // 192.0.2.1 is a documentation address: binding to it fails before any packet is sent.
        var server = await world.SharedOutpostAsync("ghost", "ghost.test", new Dictionary<string, string>());
        await Ok(server.CliAsync("channel", "add", "ghost", "--bind", "192.0.2.1", "--weight", "200"));
        await Ok(server.CliAsync("channel", "add", "good", "--bind", "127.0.0.4"));

        var first = await Submit.AcceptedAsync(Submit.AsAsync(server, "alice@ghost.test", "alice@ghost.test", $"g1-{Submit.Token()}@remote.test", "one"));
        var attempts = Attempts(await server.WaitForStatusAsync(first, "delivered"));
        Assert.Equal(["ghost", "good"], attempts.Select(a => a.Channel));
        Assert.Contains("cannot use its address 192.0.2.1", attempts[0].Reply);

        var list = await server.CliJsonAsync("channel", "list");
        var ghost = list.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "ghost");
        Assert.Equal("cooling-down", ghost.GetProperty("state").GetString());
        Assert.Contains("192.0.2.1", ghost.GetProperty("lastError").GetString());
        Assert.NotEqual(JsonValueKind.Null, ghost.GetProperty("retryAt").ValueKind);

        var second = await Submit.AcceptedAsync(Submit.AsAsync(server, "alice@ghost.test", "alice@ghost.test", $"g2-{Submit.Token()}@remote.test", "two"));
        Assert.Equal(["good"], Attempts(await server.WaitForStatusAsync(second, "delivered")).Select(a => a.Channel));
    }
}
