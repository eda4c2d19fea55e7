using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// Local delivery over LMTP to Dovecot (<c>Delivery:Local:Mode</c> = <c>lmtp</c>, over Dovecot's Unix socket):
/// a message to two hosted mailboxes lands in both Maildirs, written by Dovecot and not by Outpost; a
/// recipient Dovecot does not know is bounced on its own while the other is delivered.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class LmtpDeliveryTests(MailWorld world)
{
    const string Domain = "lmtp.test";

    async Task<(OutpostServer Server, MailboxServer Dovecot)> WorldAsync()
    {
        // alice, bob and admin exist in Outpost (they log in there); Dovecot holds bob's and admin's mailboxes only.
        var dovecot = await world.SharedPeerAsync("dovecot", () => MailboxServer.StartAsync($"bob@{Domain}", $"admin@{Domain}"));
        var server = await world.SharedOutpostAsync("lmtp", Domain, new Dictionary<string, string>
        {
            ["OUTPOST__Delivery__Local__Mode"] = "lmtp",
            ["OUTPOST__Delivery__Local__Lmtp"] = dovecot.Socket,
        });
        return (server, dovecot);
    }

    [Fact]
    public async Task A_message_to_two_mailboxes_lands_in_both_through_dovecot()
    {
        var (server, dovecot) = await WorldAsync();
        var subject = "Both mailboxes " + Submit.Token();
        var id = await Submit.AcceptedAsync(Submit.AsAsync(server, $"alice@{Domain}", $"alice@{Domain}", $"bob@{Domain},admin@{Domain}", subject));
        var report = await server.WaitForStatusAsync(id, "delivered", "bounced", "deferred");
        Assert.All(report.GetProperty("recipients").EnumerateArray(), r => Assert.Equal("delivered", r.GetProperty("status").GetString()));
        foreach (var mailbox in new[] { $"bob@{Domain}", $"admin@{Domain}" })
        {
            var file = await Eventually.GetAsync(() => dovecot.Messages(mailbox).FirstOrDefault(f => File.ReadAllText(f).Contains(subject)), $"the message in {mailbox}'s Dovecot Maildir");
            // Dovecot's LMTP adds these itself; Outpost's own Maildir writer is not involved.
            Assert.Contains($"Delivered-To: {mailbox}", File.ReadAllText(file));
            Assert.Empty(server.MailboxFiles(mailbox));
        }
    }

    [Fact]
    public async Task A_recipient_dovecot_refuses_is_bounced_alone()
    {
        var (server, dovecot) = await WorldAsync();
        var subject = "One refused " + Submit.Token();
        var id = await Submit.AcceptedAsync(Submit.AsAsync(server, $"admin@{Domain}", $"admin@{Domain}", $"alice@{Domain},bob@{Domain}", subject));
        var report = await server.WaitForStatusAsync(id, "delivered", "bounced");
        var recipients = report.GetProperty("recipients").EnumerateArray()
            .ToDictionary(r => r.GetProperty("address").GetString()!, r => (Status: r.GetProperty("status").GetString(), Reply: r.GetProperty("lastReply").GetString()));
        Assert.Equal("delivered", recipients[$"bob@{Domain}"].Status);
        Assert.Equal("bounced", recipients[$"alice@{Domain}"].Status);
        Assert.StartsWith("550", recipients[$"alice@{Domain}"].Reply);
        await Eventually.GetAsync(() => dovecot.Messages($"bob@{Domain}").FirstOrDefault(f => File.ReadAllText(f).Contains(subject)), "the message in bob's Dovecot Maildir");
    }
}
