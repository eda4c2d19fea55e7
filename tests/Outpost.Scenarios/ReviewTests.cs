using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// The review band of the content model (R1) end to end, on a server whose marketing thresholds are set
/// so that every message with external recipients is held for review: the sender is told at once, the
/// operator sees it in the review queue, a release delivers it to the real MX, a refusal bounces it to
/// the sender with the reason and counts as a violation. Each decision adds the message to the local
/// corpus under the label it gives.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class ReviewTests(MailWorld world)
{
    Task<OutpostServer> ReviewAsync() => world.SharedOutpostAsync("review", "review.test", new Dictionary<string, string>
    {
        ["OUTPOST__Policy__Thresholds__marketing__Refuse"] = "1.01",
        ["OUTPOST__Policy__Thresholds__marketing__Review"] = "0",
        ["OUTPOST__Policy__ViolationsBeforeRestriction"] = "1",
    });

    const string Minutes = "Dear Mr. Hall, please find the minutes of our meeting on Tuesday below; the installation at your site is planned for the week of 14 December.";

    [Fact]
    public async Task A_held_message_waits_until_an_operator_releases_it_and_is_then_delivered()
    {
        var server = await ReviewAsync();
        var to = $"held-{Submit.Token()}@remote.test";
        var sent = await Submit.AsAsync(server, "alice@review.test", "alice@review.test", to, "Minutes", Minutes);
        Assert.Contains("250 2.0.0 Ok: queued as", sent.All);
        Assert.Contains("held for review: it looks like marketing", sent.All);
        var id = Swaks.QueueId(sent)!;

        var waiting = await server.CliJsonAsync("review", "list");
        Assert.Contains(waiting.EnumerateArray(), r => r.GetProperty("messageId").GetString() == id && r.GetProperty("label").GetString() == "marketing");
        var status = await server.CliJsonAsync("status", id);
        Assert.Equal("held", status.GetProperty("recipients")[0].GetProperty("status").GetString());
        Assert.Contains("held for review", status.GetProperty("contentVerdict").GetString());
        await Task.Delay(1500);
        Assert.Empty(world.Mx.MessagesTo(to));

        var released = await server.CliAsync("review", "release", id, "--by", "operator-anna");
        Assert.True(released.ExitCode == 0, released.All);
        Assert.Contains($"{id} is released: its 1 external recipient(s) will be tried now.", released.All);
        await Eventually.GetAsync(() => world.Mx.MessagesTo(to).FirstOrDefault(), "delivery after the release");
        await server.WaitForStatusAsync(id, "delivered");

        var again = await server.CliAsync("review", "release", id);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains($"{id} was already released by operator-anna.", again.All);
        Assert.True(File.Exists(Path.Combine(server.DataDirectory, "policy", "corpus", "business", id + ".eml")));
    }

    [Fact]
    public async Task A_refused_message_bounces_to_the_sender_with_the_reason_and_counts_as_a_violation()
    {
        var server = await ReviewAsync();
        var to = $"refused-{Submit.Token()}@remote.test";
        var id = await Submit.AcceptedAsync(Submit.AsAsync(server, "bob@review.test", "bob@review.test", to, "Offer", Minutes + " " + Submit.Token()));
        var before = server.MailboxFiles("bob@review.test").Count;

        var refused = await server.CliAsync("review", "refuse", id, "--by", "operator-ben", "--reason", "a campaign");
        Assert.True(refused.ExitCode == 0, refused.All);
        Assert.Contains($"{id} is refused as marketing", refused.All);
        await server.WaitForStatusAsync(id, "bounced");

        // The bounce reaches bob's own mailbox and says why.
        var bounce = await Eventually.GetAsync(() => server.MailboxFiles("bob@review.test").Skip(before).FirstOrDefault(), "the bounce to the sender");
        using var dsn = await MimeKit.MimeMessage.LoadAsync(bounce);
        var text = string.Join("\n", dsn.BodyParts.OfType<MimeKit.TextPart>().Select(p => p.Text)).Replace("\r\n ", " ").Replace("\n ", " ");
        Assert.Contains("This looks like marketing or advertising mail, which this service does not send", text);
        Assert.Contains("refused after review by operator-ben", text);
        Assert.Empty(world.Mx.MessagesTo(to));

        // One violation restricts on this server: bob may no longer send out (the server believes "not
        // restricted" for at most 5 s, and the refusal came from another process).
        await Task.Delay(TimeSpan.FromSeconds(5.5));
        var blocked = await Submit.AsAsync(server, "bob@review.test", "bob@review.test", $"next-{Submit.Token()}@remote.test", "Minutes", Minutes);
        Assert.Contains("550 5.7.1 Sending is restricted for bob@review.test", blocked.All);
        Assert.True(File.Exists(Path.Combine(server.DataDirectory, "policy", "corpus", "marketing", id + ".eml")));
    }
}
