using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Accounts;
using Outpost.Engine.Metrics;
using Outpost.Engine.Queue;
using Outpost.Engine.Routing;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Delivery;

/// <summary>
/// Internal mail (M1): a few workers write hosted recipients' copies into their Maildirs as soon as the
/// message is queued, never through an outbound channel, so it arrives within a second whatever the
/// state of remote delivery. A copy for a feedback address goes to the complaint reader instead of a
/// Maildir; it counts as delivered once the complaint is stored, and is tried again if storing fails.
/// With <c>Delivery:Local:Mode</c> = <c>lmtp</c> the copies go to the mailbox server through
/// <see cref="LmtpDeliverer"/> instead of into Maildirs; the outcome is recorded the same way.
/// </summary>
public sealed class LocalDeliveryQueue : IAsyncDisposable
{
    readonly Channel<DeliveryWork> _work = Channel.CreateUnbounded<DeliveryWork>();
    readonly IAccountStore _accounts;
    readonly MaildirWriter _maildir;
    readonly LmtpDeliverer? _lmtp;
    readonly IMessageBodyStore _bodies;
    readonly DeliveryRecorder _recorder;
    readonly FeedbackAddresses _feedback;
    readonly IFeedbackMailbox _feedbackMailbox;
    readonly TimeProvider _time;
    readonly ILogger _logger;
    readonly Task[] _workers;

    public LocalDeliveryQueue(int workers, IAccountStore accounts, MaildirWriter maildir, IMessageBodyStore bodies, DeliveryRecorder recorder, FeedbackAddresses feedback, IFeedbackMailbox feedbackMailbox,
        TimeProvider time, ILogger<LocalDeliveryQueue> logger, LmtpDeliverer? lmtp = null)
    {
        _lmtp = lmtp;
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
        // The workers are started by whichever code first needed this queue; no span of that code is theirs.
        Activity.Current = null;
        await foreach (var work in _work.Reader.ReadAllAsync())
        {
            using var span = OutpostTracing.StartUnder(OutpostTracing.Delivery, ActivityKind.Internal, work.Origin);
            try
            {
                span?.SetTag(OutpostTracing.QueueIdTag, work.Message.Id);
                span?.SetTag("outpost.route", "local");
                span?.SetTag("outpost.recipients", work.Recipients.Count);
                var results = new List<AttemptResult>(work.Recipients.Count);
                using (var attempt = OutpostTracing.Source.StartActivity(OutpostTracing.Attempt))
                {
                    var viaLmtp = new List<QueuedRecipient>();
                    foreach (var recipient in work.Recipients)
                    {
                        if (_lmtp is not null && !_feedback.Contains(recipient.Address))
                        {
                            if (await MissingMailboxAsync(recipient) is { } missing)
                                results.Add(missing);
                            else
                                viaLmtp.Add(recipient);
                            continue;
                        }
                        results.Add(await DeliverOneAsync(work.Message, recipient));
                    }
                    // One LMTP transaction for the work's mailboxes; each gets its own reply.
                    if (viaLmtp.Count > 0)
                        results.AddRange(await _lmtp!.DeliverAsync(work.Message, viaLmtp));
                    attempt?.SetTag(OutpostTracing.QueueIdTag, work.Message.Id);
                    attempt?.SetTag("outpost.channel", _lmtp is null ? "local" : "lmtp");
                    attempt?.SetTag("outpost.channel.kind", "local");
                    attempt?.SetTag("outpost.result", Result(results));
                }
                await _recorder.RecordAsync(work.Message, results);
            }
            catch (Exception ex)
            {
                // The lease runs out and the scheduler tries again: nothing is lost.
                _logger.LogError(ex, "{Id}: local delivery failed unexpectedly", work.Message.Id);
            }
        }
    }

    async Task<AttemptResult?> MissingMailboxAsync(QueuedRecipient recipient)
    {
        if (await _accounts.GetMailboxAsync(recipient.Address) is not null)
            return null;
        return new AttemptResult(recipient, AttemptKind.Permanent,
            new DeliveryAttempt(_time.GetUtcNow(), "local", "local", null, 550, $"550 5.1.1 The mailbox <{recipient.Address}> does not exist", null, TimeSpan.Zero));
    }

    /// <summary>What a try came to, as a span tag: delivered, temporary or permanent (the worst of its recipients').</summary>
    internal static string Result(IReadOnlyList<AttemptResult> results) =>
        results.Any(r => r.Kind == AttemptKind.Permanent) ? "permanent" : results.Any(r => r.Kind == AttemptKind.Temporary) ? "temporary" : "delivered";

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
        if (_lmtp is not null)
            await _lmtp.DisposeAsync();
    }
}
