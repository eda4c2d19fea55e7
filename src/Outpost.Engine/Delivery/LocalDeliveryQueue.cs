using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Accounts;
using Outpost.Engine.Queue;
using Outpost.Engine.Routing;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Delivery;

/// <summary>
/// Internal mail (M1): a few workers write hosted recipients' copies into their Maildirs as soon as the
/// message is queued, never through an outbound channel, so it arrives within a second whatever the
/// state of remote delivery. A copy for a feedback address goes to the complaint reader instead of a
/// Maildir; it counts as delivered once the complaint is stored, and is tried again if storing fails.
/// </summary>
public sealed class LocalDeliveryQueue : IAsyncDisposable
{
    readonly Channel<DeliveryWork> _work = Channel.CreateUnbounded<DeliveryWork>();
    readonly IAccountStore _accounts;
    readonly MaildirWriter _maildir;
    readonly IMessageBodyStore _bodies;
    readonly DeliveryRecorder _recorder;
    readonly FeedbackAddresses _feedback;
    readonly IFeedbackMailbox _feedbackMailbox;
    readonly TimeProvider _time;
    readonly ILogger _logger;
    readonly Task[] _workers;

    public LocalDeliveryQueue(int workers, IAccountStore accounts, MaildirWriter maildir, IMessageBodyStore bodies, DeliveryRecorder recorder, FeedbackAddresses feedback, IFeedbackMailbox feedbackMailbox,
        TimeProvider time, ILogger<LocalDeliveryQueue> logger)
    {
        _feedback = feedback;
        _feedbackMailbox = feedbackMailbox;
        _accounts = accounts;
        _maildir = maildir;
        _bodies = bodies;
        _recorder = recorder;
        _time = time;
        _logger = logger;
        _workers = Enumerable.Range(0, Math.Max(1, workers)).Select(_ => Task.Run(RunAsync)).ToArray();
    }

    public void Enqueue(DeliveryWork work) => _work.Writer.TryWrite(work);

    async Task RunAsync()
    {
        await foreach (var work in _work.Reader.ReadAllAsync())
        {
            try
            {
                var results = new List<AttemptResult>(work.Recipients.Count);
                foreach (var recipient in work.Recipients)
                    results.Add(await DeliverOneAsync(work.Message, recipient));
                await _recorder.RecordAsync(work.Message, results);
            }
            catch (Exception ex)
            {
                // The lease runs out and the scheduler tries again: nothing is lost.
                _logger.LogError(ex, "{Id}: local delivery failed unexpectedly", work.Message.Id);
            }
        }
    }

    async Task<AttemptResult> DeliverOneAsync(QueuedMessage message, QueuedRecipient recipient)
    {
        var started = Stopwatch.GetTimestamp();
        var at = _time.GetUtcNow();
        DeliveryAttempt Attempt(int code, string reply) =>
            new(at, "local", "local", null, code, reply, null, Stopwatch.GetElapsedTime(started));
        try
        {
            if (_feedback.Contains(recipient.Address))
            {
                var read = await _feedbackMailbox.ReadAsync(message, recipient);
                return new AttemptResult(recipient, AttemptKind.Delivered, Attempt(250, $"250 2.0.0 {read}"));
            }
            if (await _accounts.GetMailboxAsync(recipient.Address) is null)
                return new AttemptResult(recipient, AttemptKind.Permanent, Attempt(550, $"550 5.1.1 The mailbox <{recipient.Address}> does not exist"));
            await using (var body = await _bodies.OpenReadAsync(message.Id))
                await _maildir.DeliverAsync(recipient.Address, message.Sender, body);
            return new AttemptResult(recipient, AttemptKind.Delivered, Attempt(250, "250 2.0.0 Delivered to the mailbox"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new AttemptResult(recipient, AttemptKind.Temporary, Attempt(451, $"451 4.3.0 Cannot write to the mailbox: {ex.Message}"));
        }
        catch (System.Data.Common.DbException ex) when (_feedback.Contains(recipient.Address))
        {
            // The report stays in the spool and is read again on the next try: a complaint is never lost.
            return new AttemptResult(recipient, AttemptKind.Temporary, Attempt(451, $"451 4.3.0 Cannot store the complaint: {ex.Message}"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _work.Writer.TryComplete();
        await Task.WhenAll(_workers);
    }
}
