using MimeKit;
using Outpost.Engine.Delivery;
using Outpost.Engine.Queue;

namespace Outpost.Engine.Tests.Delivery;

public sealed class DeliveryRecorderTests : IAsyncLifetime
{
    readonly EngineHarness _engine = new();

    public Task InitializeAsync() => _engine.SeedAsync();
    public async Task DisposeAsync() => await _engine.DisposeAsync();

    async Task<DeliveryWork> QueueAsync(string sender, string recipient)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(sender.Length == 0 ? "mailer-daemon@outpost.test" : sender));
        message.To.Add(MailboxAddress.Parse(recipient));
        message.Subject = "test";
        message.Body = new TextPart("plain") { Text = "hello" };
        await _engine.Injector.InjectAsync(message, sender, recipient, "test");
        Assert.True(_engine.Dispatcher.Work.TryDequeue(out var work));
        return work;
    }

    DeliveryAttempt Attempt(int code, string reply) => new(_engine.Time.GetUtcNow(), "direct", "mx.remote.test", "127.0.0.10", code, reply, null, TimeSpan.FromMilliseconds(5));

    [Fact]
    public async Task A_temporary_failure_is_deferred_on_the_schedule()
    {
        var work = await QueueAsync("alice@example.com", "bob@remote.test");
        await _engine.Recorder.RecordAsync(work.Message, [new AttemptResult(work.Recipients[0], AttemptKind.Temporary, Attempt(451, "451 4.7.1 Try later"))]);
        var report = await _engine.Log.GetReportAsync(work.Message.Id);
        var recipient = report!.Recipients.Single();
        Assert.Equal(RecipientStatus.Deferred, recipient.Status);
        Assert.Equal(_engine.Time.GetUtcNow() + TimeSpan.FromMinutes(5), recipient.NextAttemptAt);
        Assert.Equal(1, recipient.Attempts);
        Assert.True(File.Exists(work.Message.SpoolPath));
        Assert.Empty(_engine.Dispatcher.Work);
    }

    [Fact]
    public async Task A_permanent_failure_bounces_to_the_sender_and_frees_the_spool()
    {
        var work = await QueueAsync("alice@example.com", "bob@remote.test");
        await _engine.Recorder.RecordAsync(work.Message, [new AttemptResult(work.Recipients[0], AttemptKind.Permanent, Attempt(550, "550 5.1.1 User unknown"))]);

        Assert.False(File.Exists(work.Message.SpoolPath));
        Assert.True(_engine.Dispatcher.Work.TryDequeue(out var bounce));
        Assert.Equal("", bounce.Message.Sender);
        Assert.Equal("alice@example.com", bounce.Recipients.Single().Address);
        Assert.Equal(Route.Local, bounce.Recipients.Single().Route);
        var dsn = await MimeMessage.LoadAsync(bounce.Message.SpoolPath);
        var status = Assert.IsType<MultipartReport>(dsn.Body).OfType<MessageDeliveryStatus>().Single();
        Assert.Equal("5.1.1", status.StatusGroups[1]["Status"]);
        Assert.Equal("smtp; 550 5.1.1 User unknown", status.StatusGroups[1]["Diagnostic-Code"]);
        Assert.Equal("dns; mx.remote.test", status.StatusGroups[1]["Remote-MTA"]);
    }

    [Fact]
    public async Task A_message_from_the_null_sender_never_bounces()
    {
        var work = await QueueAsync("", "ghost@remote.test");
        await _engine.Recorder.RecordAsync(work.Message, [new AttemptResult(work.Recipients[0], AttemptKind.Permanent, Attempt(550, "550 5.1.1 User unknown"))]);
        Assert.Empty(_engine.Dispatcher.Work);
        var report = await _engine.Log.GetReportAsync(work.Message.Id);
        Assert.Equal(RecipientStatus.Bounced, report!.Recipients.Single().Status);
    }

    [Fact]
    public async Task A_message_that_stays_deferred_past_its_age_bounces()
    {
        var work = await QueueAsync("alice@example.com", "bob@remote.test");
        _engine.Time.Advance(_engine.Options.Delivery.MaxAge + TimeSpan.FromMinutes(1));
        await _engine.Recorder.RecordAsync(work.Message, [new AttemptResult(work.Recipients[0], AttemptKind.Temporary, Attempt(451, "451 4.7.1 Try later"))]);
        var report = await _engine.Log.GetReportAsync(work.Message.Id);
        Assert.Equal(RecipientStatus.Bounced, report!.Recipients.Single().Status);
        Assert.StartsWith("Gave up after 5", report.Recipients.Single().LastReply);
        Assert.True(_engine.Dispatcher.Work.TryDequeue(out var bounce));
        var dsn = await MimeMessage.LoadAsync(bounce.Message.SpoolPath);
        Assert.Equal("4.7.1", Assert.IsType<MultipartReport>(dsn.Body).OfType<MessageDeliveryStatus>().Single().StatusGroups[1]["Status"]);
    }
}
