using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Outpost.Scenarios.Infrastructure;

namespace Outpost.Scenarios;

/// <summary>
/// An operator's incident tools end to end, on a server of its own whose retries wait ten minutes (so
/// deferred mail stays deferred until someone acts): mail sent with swaks to destinations whose MX (the
/// aiosmtpd peer) refuses it for now; held by recipient domain, nothing leaves; released, it is delivered;
/// deleted with a bounce, the sender's notification arrives in its mailbox; deleted silently, nothing
/// does. Every action is in the audit trail with its actor and reason, over the CLI and over the API
/// with a domain key, which reaches only its own domain's senders.
/// </summary>
[Collection(MailWorldCollection.Name)]
public sealed class QueueOperationsTests(MailWorld world)
{
    const string Domain = "queueops.test";

    Task<OutpostServer> ServerAsync() => world.SharedOutpostAsync("queueops", Domain, new Dictionary<string, string>
    {
        ["OUTPOST__Delivery__RetrySchedule__0"] = "00:10:00",
    });

    /// <summary>A destination of this test alone, whose MX is the test MX.</summary>
    async Task<string> DestinationAsync(string name)
    {
        var domain = $"{name}-{Submit.Token()}.test";
        await world.Dns.PublishAsync([$"mx-host={domain},mx.remote.test,10"]);
        return domain;
    }

    static async Task<string> DeferredAsync(OutpostServer server, string sender, string to, string subject)
    {
        var id = await Submit.AcceptedAsync(Submit.AsAsync(server, sender, sender, to, subject));
        await server.WaitForStatusAsync(id, "deferred");
        return id;
    }

    static async Task<JsonElement> OkJsonAsync(OutpostServer server, params string[] args)
    {
        var result = await server.CliAsync(args.Append("--json").ToArray());
        Assert.True(result.ExitCode == 0, result.All);
        return JsonDocument.Parse(result.Output).RootElement.Clone();
    }

    [Fact]
    public async Task Held_by_recipient_domain_nothing_leaves_and_released_it_is_delivered_and_both_are_audited()
    {
        var server = await ServerAsync();
        var destination = await DestinationAsync("hold");
        var first = $"tempfail-once-{Submit.Token()}@{destination}";
        var second = $"tempfail-once-{Submit.Token()}@{destination}";
        var ids = new[] { await DeferredAsync(server, $"alice@{Domain}", first, "Minutes"), await DeferredAsync(server, $"bob@{Domain}", second, "Agenda") };

        var dry = await OkJsonAsync(server, "queue", "hold", "--domain", destination, "--dry-run");
        Assert.Equal((2, JsonValueKind.Null), (dry.GetProperty("touched").GetInt32(), dry.GetProperty("auditId").ValueKind));
        Assert.Equal("deferred", (await server.CliJsonAsync("status", ids[0])).GetProperty("recipients")[0].GetProperty("status").GetString());

        // (JSON: a table-drawing console would wrap a long sentence.)
        var held = await OkJsonAsync(server, "queue", "hold", "--domain", destination.ToUpperInvariant(), "--reason", "their MX is in trouble", "--actor", "ops-anna");
        Assert.Equal($"2 recipient(s) of domain={destination} are held.", held.GetProperty("sentence").GetString());
        // Held mail is not retried, not even when everything deferred is.
        var flushed = await server.CliAsync("queue", "retry", "--domain", destination);
        Assert.Equal(1, flushed.ExitCode);
        Assert.Contains($"No recipient of domain={destination} can be retried now (none is deferred).", flushed.All);
        var list = await server.CliJsonAsync("queue", "list", "--domain", destination, "--status", "held");
        Assert.Equal(ids.Order(), list.EnumerateArray().Select(r => r.GetProperty("messageId").GetString()).Order());
        var summary = await server.CliJsonAsync("queue", "summary", "--status", "held");
        var row = summary.GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("key").GetString() == destination);
        Assert.Equal(2, row.GetProperty("total").GetInt32());
        Assert.Equal(2, row.GetProperty("counts")[0].GetInt32());   // both under 5 minutes old
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Empty(world.Mx.MessagesTo(first));
        Assert.Empty(world.Mx.MessagesTo(second));

        var released = await OkJsonAsync(server, "queue", "release", "--domain", destination, "--reason", "their MX is back", "--actor", "ops-anna");
        Assert.Equal($"2 recipient(s) of domain={destination} are released and will be tried now.", released.GetProperty("sentence").GetString());
        await Eventually.GetAsync(() => world.Mx.MessagesTo(first).FirstOrDefault(), "the first message after the release");
        await Eventually.GetAsync(() => world.Mx.MessagesTo(second).FirstOrDefault(), "the second message after the release");
        await server.WaitForStatusAsync(ids[0], "delivered");

        // Each action is a line, the retry that found nothing to do as well.
        var audit = await server.CliJsonAsync("audit", "list", "--target", $"domain={destination}");
        Assert.Equal(["release", "retry", "hold"], audit.EnumerateArray().Select(e => e.GetProperty("action").GetString()));
        Assert.Equal((2, 0, 0), (audit[0].GetProperty("touched").GetInt32(), audit[1].GetProperty("touched").GetInt32(), audit[1].GetProperty("skipped").GetInt32()));
        var hold = audit[2];
        Assert.Equal(("ops-anna", "cli", "their MX is in trouble", 2, 0), (hold.GetProperty("actor").GetString(), hold.GetProperty("via").GetString(),
            hold.GetProperty("reason").GetString(), hold.GetProperty("touched").GetInt32(), hold.GetProperty("skipped").GetInt32()));
        // The recipients' own events say who and why, with the audit line.
        var events = await server.CliJsonAsync("events", "--message", ids[0], "--type", "held");
        Assert.Equal($"held by ops-anna: their MX is in trouble (audit {hold.GetProperty("id").GetInt64()})", events[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Deleted_with_a_bounce_the_sender_is_told_why_and_deleted_silently_nobody_is()
    {
        var server = await ServerAsync();
        var destination = await DestinationAsync("bounce");
        var stuck = $"tempfail-{Submit.Token()}@{destination}";
        var id = await DeferredAsync(server, $"bob@{Domain}", stuck, "Quarterly figures");
        var before = server.MailboxFiles($"bob@{Domain}").Count;

        var noReason = await server.CliAsync("queue", "bounce", "--sender", $"bob@{Domain}", "--domain", destination);
        Assert.Equal(1, noReason.ExitCode);
        Assert.Contains("Say why the recipients are deleted with a bounce: the reason is kept in the audit trail and quoted in the bounce.", noReason.All);

        var bounced = await OkJsonAsync(server, "queue", "bounce", "--sender", $"bob@{Domain}", "--domain", destination, "--reason", "a spam run from a stolen password");
        Assert.Equal($"1 recipient(s) of domain={destination} sender=bob@{Domain} are deleted and their senders get a bounce.", bounced.GetProperty("sentence").GetString());
        await server.WaitForStatusAsync(id, "bounced");
        var file = await Eventually.GetAsync(() => server.MailboxFiles($"bob@{Domain}").Skip(before).FirstOrDefault(), "the bounce in bob's mailbox");
        using (var dsn = await MimeKit.MimeMessage.LoadAsync(file))
        {
            Assert.Equal("multipart/report", dsn.Body?.ContentType.MimeType);
            var text = string.Join("\n", dsn.BodyParts.OfType<MimeKit.TextPart>().Select(p => p.Text));
            Assert.Contains($"<{stuck}>: Deleted by the operator: a spam run from a stolen password", text);
            Assert.Contains(id, text);
        }
        Assert.Empty(world.Mx.MessagesTo(stuck));
        Assert.False(File.Exists(Path.Combine(server.DataDirectory, "spool", id)));

        // A silent delete: the status says deleted, the sender hears nothing.
        var other = $"tempfail-{Submit.Token()}@{destination}";
        var quiet = await DeferredAsync(server, $"alice@{Domain}", other, "A duplicate");
        var aliceBefore = server.MailboxFiles($"alice@{Domain}").Count;
        var deleted = await OkJsonAsync(server, "queue", "delete", quiet.ToLowerInvariant(), "--reason", "sent twice by mistake", "--actor", "ops-ben");
        Assert.Equal($"1 recipient(s) of message={quiet} are deleted; their senders are not told.", deleted.GetProperty("sentence").GetString());
        var report = await server.WaitForStatusAsync(quiet, "deleted");
        Assert.Equal("Deleted by the operator: sent twice by mistake", report.GetProperty("recipients")[0].GetProperty("lastReply").GetString());
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(aliceBefore, server.MailboxFiles($"alice@{Domain}").Count);
        Assert.False(File.Exists(Path.Combine(server.DataDirectory, "spool", quiet)));
        Assert.Equal(1, (await server.CliAsync("queue", "delete", quiet, "--reason", "again")).ExitCode);   // nothing left to delete

        var audit = await server.CliJsonAsync("audit", "list", "--limit", "20");
        var bounceLine = audit.EnumerateArray().First(e => e.GetProperty("action").GetString() == "bounce" && e.GetProperty("touched").GetInt32() == 1);
        Assert.Equal(($"domain={destination} sender=bob@{Domain}", "a spam run from a stolen password"),
            (bounceLine.GetProperty("target").GetString(), bounceLine.GetProperty("reason").GetString()));
        var deleteLine = audit.EnumerateArray().First(e => e.GetProperty("action").GetString() == "delete" && e.GetProperty("touched").GetInt32() == 1);
        Assert.Equal(("ops-ben", "sent twice by mistake"), (deleteLine.GetProperty("actor").GetString(), deleteLine.GetProperty("reason").GetString()));
    }

    static HttpClient Api(OutpostServer server, AuthenticationHeaderValue auth)
    {
        var http = new HttpClient { BaseAddress = server.Api, Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Authorization = auth;
        return http;
    }

    static async Task<(HttpStatusCode Status, JsonElement Body)> Answer(Task<HttpResponseMessage> sending)
    {
        using var response = await sending;
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    [Fact]
    public async Task Over_the_api_a_domain_key_acts_on_its_own_senders_mail_with_the_cli_sentences_and_is_audited()
    {
        var server = await ServerAsync();
        var destination = await DestinationAsync("api");
        var to = $"tempfail-once-{Submit.Token()}@{destination}";
        var id = await DeferredAsync(server, $"alice@{Domain}", to, "Delivery schedule");
        var created = await server.CliAsync("apikey", "create", "--domain", Domain);
        Assert.True(created.ExitCode == 0, created.All);
        var secret = created.Output.Trim();
        using var key = Api(server, new AuthenticationHeaderValue("Bearer", secret));

        var (status, waiting) = await Answer(key.GetAsync($"queue?domain={destination}"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal($"domain={destination} sender=@{Domain}", waiting.GetProperty("selection").GetString());
        var item = Assert.Single(waiting.GetProperty("items").EnumerateArray());
        Assert.Equal((id, "deferred"), (item.GetProperty("id").GetString(), item.GetProperty("status").GetString()));
        var (_, summary) = await Answer(key.GetAsync($"queue/summary?by=sender&domain={destination}"));
        Assert.Equal(Domain, summary.GetProperty("rows")[0].GetProperty("key").GetString());

        // The same selection and action give the same sentence as the CLI.
        var cli = await OkJsonAsync(server, "queue", "hold", "--domain", destination, "--sender", $"@{Domain}", "--dry-run");
        var (_, dry) = await Answer(key.PostAsJsonAsync("queue/hold", new { domain = destination, dryRun = true }));
        Assert.Equal(cli.GetProperty("sentence").GetString(), dry.GetProperty("sentence").GetString());

        var (heldStatus, held) = await Answer(key.PostAsJsonAsync("queue/hold", new { domain = destination, reason = "checking a complaint" }));
        Assert.Equal(HttpStatusCode.OK, heldStatus);
        Assert.Equal($"1 recipient(s) of domain={destination} sender=@{Domain} are held.", held.GetProperty("sentence").GetString());
        Assert.Equal("held", (await server.CliJsonAsync("status", id)).GetProperty("recipients")[0].GetProperty("status").GetString());

        // Refusals, each with its sentence.
        var (s1, other) = await Answer(key.PostAsJsonAsync("queue/hold", new { sender = "ceo@other.test" }));
        Assert.Equal((HttpStatusCode.Forbidden, $"You may select only mail from senders of {Domain}."), (s1, other.GetProperty("error").GetString()));
        var (s2, noReason) = await Answer(key.PostAsJsonAsync("queue/delete", new { domain = destination }));
        Assert.Equal((HttpStatusCode.BadRequest, "Say why the recipients are deleted: the reason is kept in the audit trail."), (s2, noReason.GetProperty("error").GetString()));
        var (s3, nothing) = await Answer(key.PostAsJsonAsync("queue/hold", new { }));
        Assert.Equal(HttpStatusCode.BadRequest, s3);
        Assert.StartsWith("Say which recipients:", nothing.GetProperty("error").GetString());
        var (s4, bad) = await Answer(key.PostAsJsonAsync("queue/hold", new { olderThan = "yesterday" }));
        Assert.Equal((HttpStatusCode.BadRequest, "'yesterday' is not an age; use e.g. 30m, 2h or 3d (at most 3650 days)."), (s4, bad.GetProperty("error").GetString()));
        var (s5, unknown) = await Answer(key.PostAsJsonAsync("queue/purge", new { domain = destination }));
        Assert.Equal((HttpStatusCode.NotFound, "'purge' is not a queue action; use one of retry, hold, release, delete, bounce."), (s5, unknown.GetProperty("error").GetString()));
        using var alice = Api(server, new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"alice@{Domain}:{MailWorld.Password}"))));
        var (s6, user) = await Answer(alice.GetAsync("queue"));
        Assert.Equal((HttpStatusCode.Forbidden, "Only operators and domain admins may see or change the queue."), (s6, user.GetProperty("error").GetString()));

        var (releasedStatus, released) = await Answer(key.PostAsJsonAsync("queue/release", new { message = id, reason = "the complaint was a mistake" }));
        Assert.Equal(HttpStatusCode.OK, releasedStatus);
        Assert.Equal(1, released.GetProperty("touched").GetInt32());
        await Eventually.GetAsync(() => world.Mx.MessagesTo(to).FirstOrDefault(), "delivery after the release over the api");

        var keyId = secret.Split('_')[1];
        var (_, audit) = await Answer(key.GetAsync("audit?action=hold&limit=50"));
        var line = audit.GetProperty("items").EnumerateArray().First(e => e.GetProperty("reason").GetString() == "checking a complaint");
        Assert.Equal(($"{Domain} (key {keyId})", "api", $"domain={destination} sender=@{Domain}", Domain, 1),
            (line.GetProperty("actor").GetString(), line.GetProperty("via").GetString(), line.GetProperty("target").GetString(), line.GetProperty("domain").GetString(),
                line.GetProperty("touched").GetInt32()));
        // A domain's key reads only its domain's lines: none of another's.
        Assert.All(audit.GetProperty("items").EnumerateArray(), e => Assert.Equal(Domain, e.GetProperty("domain").GetString()));
    }
}
