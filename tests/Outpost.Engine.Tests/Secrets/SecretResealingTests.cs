using Microsoft.Data.Sqlite;
using Outpost.Engine.Routing.Channels;
using Outpost.Engine.Secrets;
using Outpost.Engine.Webhooks;
using Outpost.Storage.Sqlite;

namespace Outpost.Engine.Tests.Secrets;

/// <summary>
/// What an earlier version stored another way — a relay password in plain text (marked by migration 0017),
/// a webhook secret of the old secret box — is sealed with the key ring in place, opens to the same value,
/// and no longer appears in the database.
/// </summary>
public sealed class SecretResealingTests
{
    [Fact]
    public async Task Plain_relay_passwords_and_old_webhook_secrets_are_sealed_again_and_nothing_is_lost()
    {
        await using var engine = new EngineHarness();
        var sealer = TestSecrets.Sealer(engine.Dir.Path);
        var channels = new SqliteChannelStore(engine.Db);
        await channels.AddAsync(new Channel("smarthost", ChannelKind.Relay, null, null, null, 0, 100, true, "relay.test", 587, RelayTls.StartTls, true,
            "user", SecretSealer.PlainPrefix + "relay-secret-1"));
        await channels.AddAsync(new Channel("direct1", ChannelKind.Direct, "127.0.0.1", null, null, 0, 100, true, null, 0, RelayTls.StartTls, true, null, null));
        var webhooks = new SqliteWebhookStore(engine.Db);
        var secret = WebhookSecret.Generate();
        var old = new SecretBox(engine.Dir.Path).Seal(secret, "webhook-secret");
        var endpoint = await webhooks.AddEndpointAsync(new NewWebhookEndpoint(null, "http://127.0.0.1:9/hook", ["delivered"], old, "test"), 0, engine.Time.GetUtcNow());

        var passwords = new RelayPasswords(sealer, channels);
        Assert.Equal(1, await passwords.ResealAsync(CancellationToken.None));
        var keyring = new WebhookKeyring(sealer);
        Assert.Equal(1, await keyring.ResealAsync(webhooks, CancellationToken.None));

        var relay = (await channels.ListAsync()).Single(c => c.Name == "smarthost");
        Assert.True(SecretSealer.IsCurrent(relay.SealedPassword!));
        Assert.Equal("relay-secret-1", passwords.Open(relay));
        Assert.Equal("", passwords.Open((await channels.ListAsync()).Single(c => c.Name == "direct1")));
        var stored = (await webhooks.EndpointAsync(endpoint.Id))!;
        Assert.True(SecretSealer.IsCurrent(stored.SealedSecret));
        Assert.Equal(WebhookSecret.Key(secret), keyring.KeyOf(stored));

        // A second start finds nothing to do.
        Assert.Equal(0, await passwords.ResealAsync(CancellationToken.None));
        Assert.Equal(0, await keyring.ResealAsync(webhooks, CancellationToken.None));

        await using var c = new SqliteConnection($"Data Source={Path.Combine(engine.Dir.Path, "outpost.db")};Mode=ReadOnly");
        await c.OpenAsync();
        using var q = c.CreateCommand();
        q.CommandText = "SELECT (SELECT group_concat(password) FROM channels) || (SELECT group_concat(secret) FROM webhook_endpoints)";
        var all = (string)(await q.ExecuteScalarAsync())!;
        Assert.DoesNotContain("relay-secret-1", all);
        Assert.DoesNotContain("plain:", all);
        Assert.DoesNotContain("sb1:", all);
        Assert.DoesNotContain(secret, all);
    }
}
