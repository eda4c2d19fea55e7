using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// Sending restrictions at the SMTP level (R1–R3): size, content refusals leading to a restricted
/// account and its lifting, rate limits, and a bulk blast split over messages and senders. These run on
/// a server of their own with small limits.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class RestrictionTests(MailWorld world)
{
    Task<OutpostServer> StrictAsync() => world.SharedOutpostAsync("strict", "strict.test", new Dictionary<string, string>
    {
        ["OUTPOST__Smtp__MaxMessageSize"] = "1048576",
        ["OUTPOST__Policy__MailboxMessagesPerHour"] = "3",
        ["OUTPOST__Policy__BulkRecipients"] = "4",
    });

    const string Business = "Dear Mr. Hall, please find attached the minutes of our meeting on Tuesday and the revised schedule for the installation at your site.";

    [Fact]
    public async Task An_oversized_message_is_refused_with_and_without_a_declared_size()
    {
        var strict = await StrictAsync();
        var big = Path.Combine(world.Directory, $"big-{Submit.Token()}.bin");
        await File.WriteAllBytesAsync(big, new byte[1_200_000]);
        var result = await Swaks.RunAsync("--server", $"127.0.0.1:{strict.SubmissionPort}", "--tls", "--auth", "PLAIN",
            "--auth-user", "bob@strict.test", "--auth-password", MailWorld.Password, "--from", "bob@strict.test", "--to", "alice@strict.test",
            "--attach", big);
        Assert.Contains("552 5.3.4 Message exceeds the 1 MB limit; share large files through a link instead", result.All);

        await using var client = await RawSmtpClient.ConnectAsync(strict.RelayPort, "127.0.0.5");
        await client.CommandAsync("EHLO app.test");
        Assert.StartsWith("552 5.3.4 Message exceeds the 1 MB limit", await client.CommandAsync("MAIL FROM:<app@example.com> SIZE=2000000"));
    }

    [Fact]
    public async Task Repeated_marketing_restricts_the_sender_until_an_operator_lifts_it()
    {
        var strict = await StrictAsync();
        var spammer = "promo@strict.test";
        var added = await strict.CliWithInputAsync(MailWorld.Password + "\n", "mailbox", "add", spammer);
        Assert.True(added.ExitCode == 0, added.All);
        const string Promo = "FLASH SALE! 50% off everything today only. Use promo code SALE50, free shipping. Shop now: https://shop.test. Unsubscribe: https://shop.test/u";
        for (var i = 0; i < 3; i++)
        {
            var refused = await Submit.AsAsync(strict, spammer, spammer, $"c{i}-{Submit.Token()}@remote.test", "Big sale", Promo);
            Assert.True(refused.All.Contains("550 5.7.1 This looks like marketing or advertising mail, which this service does not send"), refused.All);
        }
        var blocked = await Submit.AsAsync(strict, spammer, spammer, $"ok-{Submit.Token()}@remote.test", "Minutes", Business);
        Assert.Contains($"550 5.7.1 Sending is restricted for {spammer}:", blocked.All);
        // Internal mail is never restricted.
        await Submit.AcceptedAsync(Submit.AsAsync(strict, spammer, spammer, "alice@strict.test", "inside", Business));

        var list = await strict.CliJsonAsync("restrictions", "list");
        Assert.Contains(list.EnumerateArray(), r => r.GetProperty("subject").GetString() == spammer && r.GetProperty("createdBy").GetString() == "outpost");
        var lifted = await strict.CliAsync("restrictions", "lift", spammer, "--reason", "talked to the customer", "--by", "operator-anna");
        Assert.True(lifted.ExitCode == 0, lifted.All);
        await Submit.AcceptedAsync(Submit.AsAsync(strict, spammer, spammer, $"after-{Submit.Token()}@remote.test", "Minutes", Business));

        var history = await strict.CliJsonAsync("restrictions", "history", spammer);
        Assert.Equal(["restricted", "lifted"], history.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Equal("operator-anna", history[1].GetProperty("by").GetString());
        Assert.Equal("talked to the customer", history[1].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_rate_limit_answers_451_and_is_counted()
    {
        var strict = await StrictAsync();
        for (var i = 0; i < 3; i++)
            await Submit.AcceptedAsync(Submit.AsAsync(strict, "alice@strict.test", "alice@strict.test", $"rate{i}-{Submit.Token()}@remote.test", $"Minutes {i}", Business + $" Part {i}: " + Submit.Token()));
        var limited = await Submit.AsAsync(strict, "alice@strict.test", "alice@strict.test", $"rate-x-{Submit.Token()}@remote.test", "Minutes", Business);
        Assert.Contains("451 4.7.1 alice@strict.test has reached its limit of 3 messages to external recipients per hour; try again later", limited.All);
        var refusals = await strict.CliJsonAsync("log", "--refusals");
        Assert.Contains(refusals.EnumerateArray(), r => r.GetProperty("code").GetInt32() == 451 && r.GetProperty("sender").GetString() == "alice@strict.test");
    }

    [Fact]
    public async Task A_blast_split_over_messages_and_senders_is_refused_as_bulk()
    {
        var strict = await StrictAsync();
        const string Letter = "Dear {0}, we are writing to let you know that the terms of your service agreement change on the first of January. " +
                              "The new terms include a revised schedule for maintenance windows and an updated contact list for urgent support. " +
                              "Please read the attached document and reply if you have any questions about these changes.";
        var senders = new[] { "bob@strict.test", "admin@strict.test", "bob@strict.test" };
        var names = new[] { "Anna", "Bernd", "Chen" };
        var replies = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            // Two recipients per message, each with the name changed: 6 distinct mailboxes > 4.
            var result = await Swaks.RunAsync("--server", $"127.0.0.1:{strict.SubmissionPort}", "--tls", "--auth", "PLAIN",
                "--auth-user", senders[i], "--auth-password", MailWorld.Password, "--from", senders[i],
                "--to", $"bulk{i}a-{Submit.Token()}@remote.test,bulk{i}b-{Submit.Token()}@remote.test",
                "--header", "Subject: Changes to your agreement", "--body", string.Format(System.Globalization.CultureInfo.InvariantCulture, Letter, names[i]));
            replies.Add(result.All);
        }
        Assert.Contains("queued as", replies[0]);
        Assert.Contains("queued as", replies[1]);
        Assert.Contains("550 5.7.1 The same content has gone to too many external mailboxes", replies[2]);
    }
}
