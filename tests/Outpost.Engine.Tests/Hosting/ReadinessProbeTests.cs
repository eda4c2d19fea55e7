using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using Outpost.Engine.Hosting;
using Outpost.Smtp;

namespace Outpost.Engine.Tests.Hosting;

public sealed class ReadinessProbeTests
{
    [Fact]
    public async Task A_recipient_due_for_longer_than_a_quarter_hour_makes_the_queue_not_ready()
    {
        await using var engine = new EngineHarness();
        await engine.SeedAsync();
        // Never started: its listeners are not up, and the probe says so.
        var smtp = new SmtpHostedService(engine.Options, engine.Backend, NullLogger<SmtpServer>.Instance);
        var probe = new ReadinessProbe(engine.Queue, engine.Spool, smtp, engine.Time);
        Assert.Equal(new[] { ("database", true), ("spool", true), ("listeners", false), ("queue", true) }, (await probe.CheckAsync(default)).ToArray());

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("alice@example.com"));
        message.To.Add(MailboxAddress.Parse("friend@remote.test"));
        message.Subject = "stuck";
        message.Body = new TextPart("plain") { Text = "Nobody delivers this: the dispatcher only captures it." };
        await engine.Injector.InjectAsync(message, "alice@example.com", "friend@remote.test", "test");
        Assert.True((await probe.CheckAsync(default)).Single(c => c.Check == "queue").Ok);

        // Nothing works the queue: once its due time is more than 15 minutes behind, the queue is stuck.
        var due = await engine.Queue.NextDueAsync();
        Assert.NotNull(due);
        engine.Time.SetUtcNow(due.Value + ReadinessProbe.StuckAfter - TimeSpan.FromSeconds(1));
        Assert.True((await probe.CheckAsync(default)).Single(c => c.Check == "queue").Ok);
        engine.Time.SetUtcNow(due.Value + ReadinessProbe.StuckAfter + TimeSpan.FromSeconds(1));
        Assert.False((await probe.CheckAsync(default)).Single(c => c.Check == "queue").Ok);
    }
}
