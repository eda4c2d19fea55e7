using System.Text;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// Secrets at rest: a relay that wants AUTH and a webhook endpoint with its secret, both used for real (the
/// mail goes through the relay, the webhook arrives signed and verifies), while the server logs at Debug.
/// Afterwards neither secret is in the server's log, the commands' output, the database (with its WAL) or
/// any other file of the data directory.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class SecretsAtRestTests(MailWorld world)
{
    [Fact]
    public async Task Neither_the_relay_password_nor_the_webhook_secret_is_in_the_logs_or_the_data_directory()
    {
        var relayPassword = "relay-pw-" + Submit.Token();
        await using var relay = await RemoteMx.StartAsync(world.Directory, "127.0.0.31", Ports.Free("127.0.0.31"), "--auth", $"relay-user:{relayPassword}");
        var receiver = await world.SharedPeerAsync("webhook-receiver", WebhookReceiver.StartAsync);
        var settings = new Dictionary<string, string>(WebhookTests.Settings) { ["OUTPOST__Logging__LogLevel__Default"] = "Debug" };
        await using var server = await world.StartOutpostAsync("secrets-" + Submit.Token(), "secrets.test", settings);

        var output = new StringBuilder();
        var added = await server.CliWithInputAsync(relayPassword + "\n", "channel", "add", "smarthost", "--relay", $"127.0.0.31:{relay.Port}",
            "--user", "relay-user", "--no-verify-certificate");
        Assert.True(added.ExitCode == 0, added.All);
        output.AppendLine(added.All);
        var hook = "secrets" + Submit.Token();
        var endpoint = await server.CliJsonAsync("webhook", "add", receiver.Url(hook), "--domain", "secrets.test");
        var webhookSecret = endpoint.GetProperty("secret").GetString()!;
        await receiver.SetSecretAsync(hook, webhookSecret);

        var recipient = $"friend-{Submit.Token()}@remote.test";
        var id = await Submit.AcceptedAsync(Submit.AsAsync(server, "alice@secrets.test", "alice@secrets.test", recipient, "Minutes",
            "Dear Mr. Hall, please find the minutes of our meeting on Tuesday below."));
        var status = await server.WaitForStatusAsync(id, "delivered");
        output.AppendLine(status.GetRawText());
        Assert.Single(relay.MessagesTo(recipient)); // the relay took it after AUTH: the sealed password opened
        var got = await Eventually.GetAsync(async () =>
        {
            var all = await receiver.ReceivedAsync(hook);
            return all.Any(w => w.Type == "delivered") ? all : null;
        }, "the delivered webhook", TimeSpan.FromSeconds(60));
        Assert.All(got, w => Assert.True(w.Valid, w.Error)); // signed with the secret the sealed value opened to
        foreach (var command in new[] { new[] { "channel", "list", "--json" }, ["webhook", "list", "--json"], ["status", id, "--json"] })
            output.AppendLine((await server.CliAsync(command)).All);

        // The commands print the secret once, when the endpoint is added (that output is not kept above).
        var secrets = new[] { relayPassword, webhookSecret, webhookSecret["whsec_".Length..] };
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, server.Log);
            Assert.DoesNotContain(secret, output.ToString());
        }
        var files = Directory.GetFiles(server.DataDirectory, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => Path.GetFileName(f) == "outpost.db");
        Assert.Contains(files, f => f.Contains($"{Path.DirectorySeparatorChar}keys{Path.DirectorySeparatorChar}"));
        // The server holds outpost.lock locked for its life (an empty file; the kernel refuses to open it).
        foreach (var file in files.Where(f => Path.GetFileName(f) != "outpost.lock"))
        {
            byte[] bytes;
            try
            {
                // Read while the server runs: the database and its WAL as they are on disk now.
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy);
                bytes = copy.ToArray();
            }
            catch (FileNotFoundException)
            {
                continue; // a spool file removed meanwhile
            }
            foreach (var secret in secrets)
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"{file} holds a secret");
        }
    }
}
