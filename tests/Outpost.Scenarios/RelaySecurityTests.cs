using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>Never an open relay: the trusted network is bound to its domain; address tricks are refused.</summary>
[Collection(MailWorldCollection.Name)]
public sealed class RelaySecurityTests(MailWorld world)
{
    OutpostServer Outpost => world.Outpost;

    [Fact]
    public async Task An_untrusted_client_cannot_relay()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Outpost.RelayPort, "127.0.0.1");
        await client.CommandAsync("EHLO client.test");
        Assert.StartsWith("530 5.7.0", await client.CommandAsync("MAIL FROM:<app@example.com>"));
    }

    [Fact]
    public async Task The_trusted_network_sends_only_as_its_domain()
    {
        await using var client = await RawSmtpClient.ConnectAsync(Outpost.RelayPort, "127.0.0.5");
        await client.CommandAsync("EHLO app.example.com");
        Assert.StartsWith("550 5.7.1 This network may send only as addresses of example.com", await client.CommandAsync("MAIL FROM:<ceo@other.test>"));
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        var token = Submit.Token();
        Assert.StartsWith("250", await client.CommandAsync($"RCPT TO:<app-{token}@remote.test>"));
        Assert.StartsWith("354", await client.CommandAsync("DATA"));
        var reply = await client.CommandAsync($"From: app@example.com\r\nSubject: from the app {token}\r\n\r\nHello.\r\n.");
        Assert.StartsWith("250 2.0.0 Ok: queued as", reply);
        var delivered = await Eventually.GetAsync(() => world.Mx.MessagesTo($"app-{token}@remote.test").FirstOrDefault(), "delivery to the MX");
        Assert.Equal("app@example.com", delivered.MailFrom);
    }

    [Theory]
    [InlineData("<victim%evil.test@example.com>")]
    [InlineData("<@relay.test:victim@evil.test>")]
    [InlineData("<\"victim@evil.test\"@example.com>")]
    [InlineData("<victim@evil.test@example.com>")]
    [InlineData("<evil.test!victim@example.com>")]
    [InlineData("<victim@[127.0.0.1]>")]
    [InlineData("victim@evil.test")]
    public async Task Address_tricks_are_refused_never_relayed(string path)
    {
        await using var client = await RawSmtpClient.ConnectAsync(Outpost.RelayPort, "127.0.0.5");
        await client.CommandAsync("EHLO app.example.com");
        Assert.StartsWith("250", await client.CommandAsync("MAIL FROM:<app@example.com>"));
        var reply = await client.CommandAsync($"RCPT TO:{path}");
        Assert.StartsWith("5", reply);
        Assert.StartsWith("554", await client.CommandAsync("DATA"));
    }
}
