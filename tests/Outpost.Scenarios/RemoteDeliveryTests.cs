using System.Text;
using MimeKit;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>External mail to a real SMTP server found through real DNS: delivery, retries, bounces.</summary>
[Collection(MailWorldCollection.Name)]
public sealed class RemoteDeliveryTests(MailWorld world)
{
    OutpostServer Outpost => world.Outpost;

    [Fact]
    public async Task External_mail_arrives_byte_identical_over_tls()
    {
        var token = Submit.Token();
        var recipient = $"friend-{token}@remote.test";
        // 8-bit text, a line that starts with a dot, a long (but legal) line, and trailing spaces; the first
        // line reads as business mail, so that the content model passes it (it held the bare greeting for review).
        var original = Encoding.UTF8.GetBytes(
            $"From: alice@example.com\r\nTo: {recipient}\r\nSubject: byte test {token}\r\nDate: Fri, 27 Nov 2026 10:00:00 +0000\r\n" +
            $"Message-ID: <{token}@example.com>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
            "Hallo Jonas, anbei wie besprochen die Lieferscheine für den Auftrag 4711; Grüße aus Köln, 你好.\r\n" +
            ".a line that starts with a dot\r\n" + new string('x', 900) + "\r\ntrailing spaces   \r\n\r\nend");
        var file = Path.Combine(world.Directory, $"{token}.eml");
        await File.WriteAllBytesAsync(file, original);
        // swaks ends the data with CRLF.CRLF after the file's last line, so that line gets its CRLF.
        original = [.. original, .. "\r\n"u8];

        var result = await Swaks.RunAsync("--server", $"127.0.0.1:{Outpost.SubmissionPort}", "--tls", "--auth", "PLAIN",
            "--auth-user", "alice@example.com", "--auth-password", MailWorld.Password,
            "--from", "alice@example.com", "--to", recipient, "--data", file);
        var id = Swaks.QueueId(result);
        Assert.True(id is not null, result.All);

        var received = await Eventually.GetAsync(() => world.Mx.MessagesTo(recipient).FirstOrDefault(), "delivery to the MX");
        Assert.Equal("alice@example.com", received.MailFrom);
        Assert.True(received.Tls, "delivery should use STARTTLS when the MX offers it");
        Assert.Contains("BODY=8BITMIME", received.MailOptions);
        // What arrives is Outpost's DKIM signature and Received header, then exactly the bytes the client sent.
        Assert.StartsWith("DKIM-Signature: ", received.Text);
        Assert.Contains("\r\nReceived: from ", received.Text);
        Assert.True(received.Data.AsSpan().EndsWith(original), "the message body and headers must arrive unchanged");

        var report = await Outpost.WaitForStatusAsync(id!, "delivered");
        var attempt = report.GetProperty("attempts").EnumerateArray().Single();
        Assert.Equal("mx.remote.test", attempt.GetProperty("mxHost").GetString());
        Assert.Equal("127.0.0.10", attempt.GetProperty("mxAddress").GetString());
        Assert.StartsWith("TLSv1.", attempt.GetProperty("tls").GetString());
        Assert.StartsWith("250", attempt.GetProperty("reply").GetString());
    }

    [Fact]
    public async Task A_temporary_failure_is_retried_and_then_delivered()
    {
        var recipient = $"tempfail-once-{Submit.Token()}@remote.test";
        var id = await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, recipient, "retry"));
        var report = await Outpost.WaitForStatusAsync(id, "delivered");
        var attempts = report.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal("deferred", attempts[0].GetProperty("outcome").GetString());
        Assert.StartsWith("451", attempts[0].GetProperty("reply").GetString());
        Assert.Equal("delivered", attempts[1].GetProperty("outcome").GetString());
        Assert.Single(world.Mx.MessagesTo(recipient));
    }

    [Fact]
    public async Task A_permanent_failure_bounces_exactly_once_to_the_sender()
    {
        var recipient = $"unknown-{Submit.Token()}@remote.test";
        var subject = "doomed " + Submit.Token();
        var id = await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, recipient, subject));
        var report = await Outpost.WaitForStatusAsync(id, "bounced");
        Assert.Contains("5.1.1", report.GetProperty("recipients")[0].GetProperty("lastReply").GetString());

        var bounce = await Eventually.GetAsync(() => Outpost.MailboxFiles("alice@example.com").FirstOrDefault(f => File.ReadAllText(f).Contains(recipient)), "the bounce in alice's Maildir");
        await Task.Delay(1500); // a second bounce, if there were one, would have arrived by now
        Assert.Single(Outpost.MailboxFiles("alice@example.com"), f => File.ReadAllText(f).Contains(recipient));

        var dsn = await MimeMessage.LoadAsync(bounce);
        Assert.Equal("Return-Path: <>", File.ReadLines(bounce).First());
        var report3464 = Assert.IsType<MultipartReport>(dsn.Body);
        Assert.Equal("delivery-status", report3464.ReportType);
        var status = Assert.Single(report3464.OfType<MessageDeliveryStatus>());
        var perRecipient = status.StatusGroups[1];
        Assert.Equal($"rfc822; {recipient}", perRecipient["Final-Recipient"]);
        Assert.Equal("failed", perRecipient["Action"]);
        Assert.Equal("5.1.1", perRecipient["Status"]);
        Assert.Contains(report3464, p => p.ContentType.MimeType == "text/rfc822-headers");
        Assert.Contains(subject, File.ReadAllText(bounce));
    }

    [Fact]
    public async Task A_failed_message_from_the_null_sender_never_bounces()
    {
        // The admin sends as a mailbox that does not exist; the bounce to it fails in turn, and that
        // failure (of a message from <>) must end there.
        var ghost = $"ghost-{Submit.Token()}@example.com";
        var id = await Submit.AcceptedAsync(Submit.AsAsync(Outpost, "admin@example.com", ghost, $"unknown-{Submit.Token()}@remote.test", "to nowhere"));
        await Outpost.WaitForStatusAsync(id, "bounced");

        var bounceId = await Eventually.GetAsync(async () =>
        {
            var entries = await Outpost.CliJsonAsync("log", "--to", ghost);
            return entries.GetArrayLength() == 1 && entries[0].GetProperty("status").GetString() == "bounced" ? entries[0].GetProperty("messageId").GetString() : null;
        }, "the bounce to the ghost to fail");
        await Eventually.GetAsync(() => Outpost.Log.Contains($"{bounceId}: no bounce for a failed message from the null sender") ? "" : null, "the null-sender rule in the server log");

        await Task.Delay(1500);
        var log = await Outpost.CliJsonAsync("log", "--since", "5m", "--limit", "1000");
        var fromNullSender = log.EnumerateArray().Where(e => e.GetProperty("sender").GetString() == "").Select(e => e.GetProperty("recipient").GetString()).ToList();
        Assert.Single(fromNullSender, r => r == ghost);
        Assert.DoesNotContain(fromNullSender, r => r is null or "" || r.StartsWith("mailer-daemon", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_null_mx_bounces_at_once()
    {
        var id = await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, "someone@nullmx.test", "null mx"));
        var report = await Outpost.WaitForStatusAsync(id, "bounced");
        var attempt = Assert.Single(report.GetProperty("attempts").EnumerateArray());
        Assert.Contains("5.1.10", attempt.GetProperty("reply").GetString());
    }

    [Fact]
    public async Task A_missing_domain_bounces()
    {
        var id = await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, "someone@nosuch.test", "no such domain"));
        var report = await Outpost.WaitForStatusAsync(id, "bounced");
        Assert.Contains("5.1.2", report.GetProperty("recipients")[0].GetProperty("lastReply").GetString());
    }

    [Fact]
    public async Task The_next_message_to_a_destination_reuses_the_connection_that_waits_open()
    {
        var first = $"reuse-a-{Submit.Token()}@remote.test";
        await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, first, "first on the connection"));
        var a = await Eventually.GetAsync(() => world.Mx.MessagesTo(first).FirstOrDefault(), "the first message");

        // Well within the idle time (2 s): the connection that carried the first one is still open.
        var second = $"reuse-b-{Submit.Token()}@remote.test";
        await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, second, "second on the connection"));
        var b = await Eventually.GetAsync(() => world.Mx.MessagesTo(second).FirstOrDefault(), "the second message");
        Assert.Equal(a.PeerPort, b.PeerPort);
    }

    [Fact]
    public async Task A_connection_the_server_closed_while_it_waited_is_replaced_and_nothing_is_deferred()
    {
        await using var hangup = await RemoteMx.StartAsync(world.Directory, "127.0.0.15", world.Mx.Port, "--hangup-after-data");
        var first = $"hangup-a-{Submit.Token()}@hangup.test";
        await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, first, "before the hang-up"));
        var a = await Eventually.GetAsync(() => hangup.MessagesTo(first).FirstOrDefault(), "the first message");
        await Task.Delay(500); // the server says 421 and closes 200 ms after each message

        var second = $"hangup-b-{Submit.Token()}@hangup.test";
        var id = await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, second, "after the hang-up"));
        var report = await Outpost.WaitForStatusAsync(id, "delivered");
        Assert.Equal("delivered", report.GetProperty("attempts").EnumerateArray().Single().GetProperty("outcome").GetString());
        Assert.NotEqual(a.PeerPort, hangup.MessagesTo(second).Single().PeerPort);
    }

    [Fact]
    public async Task The_next_mx_takes_over_when_the_first_is_down()
    {
        var recipient = $"backup-{Submit.Token()}@backup.test";
        var id = await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, recipient, "backup mx"));
        var report = await Outpost.WaitForStatusAsync(id, "delivered");
        Assert.Equal("mx.remote.test", report.GetProperty("attempts")[0].GetProperty("mxHost").GetString());
        Assert.Single(world.Mx.MessagesTo(recipient));
    }

    [Fact]
    public async Task A_recipient_greylisted_again_and_again_does_not_hold_up_its_domain_and_can_be_held()
    {
        var token = Submit.Token();
        var stuck = await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, $"tempfail-{token}@remote.test", "never taken"));
        await Eventually.GetAsync(async () =>
            (await Outpost.CliJsonAsync("status", stuck)).GetProperty("recipients")[0].GetProperty("attempts").GetInt32() >= 4 ? "" : null, "four refused tries");

        // Four 451s at RCPT for one address are about that address: the next message to the domain goes at once.
        var other = await Submit.AcceptedAsync(Submit.AliceAsync(Outpost, $"fine-{token}@remote.test", "taken"));
        var report = await Outpost.WaitForStatusAsync(other, "delivered");
        Assert.Equal(1, report.GetProperty("recipients")[0].GetProperty("attempts").GetInt32());

        // The operator holds the stuck one: it stays queued and is not tried; released, it is tried again.
        var held = await Outpost.CliAsync("queue", "hold", stuck);
        Assert.True(held.ExitCode == 0 || held.All.Contains("can be held"), held.All);
        if (held.ExitCode != 0)
            await Eventually.GetAsync(async () => (await Outpost.CliAsync("queue", "hold", stuck)).ExitCode == 0 ? "" : null, "the hold, between two tries");
        var tries = (await Outpost.WaitForStatusAsync(stuck, "held")).GetProperty("recipients")[0].GetProperty("attempts").GetInt32();
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.Equal(tries, (await Outpost.CliJsonAsync("status", stuck)).GetProperty("recipients")[0].GetProperty("attempts").GetInt32());
        var list = await Outpost.CliJsonAsync("queue", "list");
        Assert.Contains(list.EnumerateArray(), r => r.GetProperty("messageId").GetString() == stuck && r.GetProperty("status").GetString() == "held");
        var released = await Outpost.CliAsync("queue", "release", stuck);
        Assert.True(released.ExitCode == 0, released.All);
        await Eventually.GetAsync(async () =>
            (await Outpost.CliJsonAsync("status", stuck)).GetProperty("recipients")[0].GetProperty("attempts").GetInt32() > tries ? "" : null, "a try after release");
        await Outpost.CliAsync("queue", "hold", stuck);
    }
}
