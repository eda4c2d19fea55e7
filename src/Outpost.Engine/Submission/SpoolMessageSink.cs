using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging;
using MimeKit;
using MimeKit.Utils;
using Outpost.Engine.Idempotency;
using Outpost.Engine.Metrics;
using Outpost.Engine.Policy;
using Outpost.Engine.Queue;
using Outpost.Engine.Spool;
using Outpost.Smtp;

namespace Outpost.Engine.Submission;

/// <summary>
/// Streams one message from DATA into its spool file: our Received header and X-Outpost-Id (the queue
/// id, so a complaint about the message finds it even where the receiver rewrote its Message-ID) first,
/// then the client's lines, with Date and Message-ID added at the end of the header block when missing. On commit the
/// file is sealed as the message's body (<see cref="IMessageBodyStore"/>: fsynced in the file spool, copied into the
/// database and committed on PostgreSQL); a message for external recipients passes the content checks (R1); then it is handed
/// to the <see cref="MessageEnqueuer"/> (commit, then delivery), and only then is 250 answered.
/// Anything that goes wrong before that removes the file and answers 451: nothing half-written is
/// ever delivered. A write that fails (the disk is full) stops writing, removes the file at once so the
/// space comes back, lets the protocol layer read the rest of DATA, and answers 452 4.3.1 at its end.
/// A message without From, or with 8-bit headers sent without SMTPUTF8, is refused at its end with one
/// sentence (<see cref="FormatReplies"/>), its file removed.
/// </summary>
internal sealed class SpoolMessageSink : IMessageSink
{
    static readonly byte[] Crlf = "\r\n"u8.ToArray();

    readonly SubmissionContext _context;
    readonly SmtpSessionInfo _session;
    readonly MailPath _sender;
    readonly IReadOnlyList<MailPath> _recipients;
    readonly Func<SmtpReply, Task> _onRefused;
    readonly Func<SmtpReply, IdempotencyCompletion>? _completion;
    readonly string _id;
    readonly string _path;
    readonly DateTimeOffset _receivedAt;
    readonly HeaderScanner _headers = new();
    FileStream? _file;
    // The file's buffer, pooled: FileStream's own would be a fresh 64 KB array for every message.
    byte[] _buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(64 * 1024);
    int _buffered;
    long _size;
    bool _committed;
    // The body store holds the body (in PostgreSQL mode a copy in the database that must go if the message is not queued).
    bool _sealed;
    string? _addedMessageId;
    // The first failed write: from then on nothing is written, and the commit answers for it.
    IOException? _writeFailure;

    /// <param name="completion">For an API submission with an idempotency key: the key's completion for the reply this message is about to get, written with the message.</param>
    public SpoolMessageSink(SubmissionContext context, SmtpSessionInfo session, MailPath sender, IReadOnlyList<MailPath> recipients, Func<SmtpReply, Task> onRefused,
        Func<SmtpReply, IdempotencyCompletion>? completion = null)
    {
        _onRefused = onRefused;
        _completion = completion;
        _context = context;
        _session = session;
        _sender = sender;
        _recipients = recipients;
        _receivedAt = context.Time.GetUtcNow();
        _id = QueueId.New(_receivedAt);
        _path = context.Spool.PathFor(_id);
        _file = context.Spool.Create(_id, bufferSize: 0);
        Write(Encoding.UTF8.GetBytes(ReceivedHeader.Build(session, context.Options.Hostname, _id, recipients, _receivedAt)));
        Write(Encoding.ASCII.GetBytes($"{QueueId.Header}: {_id}\r\n"));
    }

    public void WriteLine(ReadOnlySpan<byte> line)
    {
        switch (_headers.Observe(line))
        {
            case HeaderLineKind.EndOfHeaders:
                WriteMissingHeaders();
                break;
            case HeaderLineKind.BodyWithoutSeparator:
                WriteMissingHeaders();
                Write(Crlf);
                break;
        }
        Write(line);
        Write(Crlf);
    }

    void Write(ReadOnlySpan<byte> bytes)
    {
        _size += bytes.Length;
        if (_writeFailure is not null)
            return;
        try
        {
            if (_buffered + bytes.Length > _buffer.Length)
            {
                FlushBuffer();
                if (bytes.Length > _buffer.Length)
                {
                    _file!.Write(bytes);
                    return;
                }
            }
        }
        catch (IOException ex)
        {
            Abandon(ex);
            return;
        }
        bytes.CopyTo(_buffer.AsSpan(_buffered));
        _buffered += bytes.Length;
    }

    /// <summary>Gives up the file after a failed write: closed and removed now, so a full disk gets its space back before DATA ends.</summary>
    void Abandon(IOException ex)
    {
        _writeFailure = ex;
        _buffered = 0;
        try
        {
            _file?.Dispose();
        }
        catch (IOException)
        {
            // Nothing is buffered in the stream itself (no FileStream buffer); the file goes either way.
        }
        _file = null;
        MessageSpool.Delete(_path);
    }

    void FlushBuffer()
    {
        _file!.Write(_buffer, 0, _buffered);
        _buffered = 0;
    }

    void WriteMissingHeaders()
    {
        if (!_headers.HasDate)
            Write(Encoding.ASCII.GetBytes($"Date: {DateUtils.FormatDate(_receivedAt)}\r\n"));
        if (!_headers.HasMessageId && _addedMessageId is null)
        {
            _addedMessageId = $"{_id}.{Guid.NewGuid():N}@{_context.Options.Hostname}";
            Write(Encoding.ASCII.GetBytes($"Message-ID: <{_addedMessageId}>\r\n"));
        }
    }

    // Untraced (nothing listens), the commit is called as it is: no span, no extra async frame per message.
    public ValueTask<SmtpReply> CommitAsync(CancellationToken cancellationToken) =>
        OutpostTracing.Source.HasListeners() ? CommitInSpanAsync(cancellationToken) : CommitMessageAsync(cancellationToken);

    async ValueTask<SmtpReply> CommitInSpanAsync(CancellationToken cancellationToken)
    {
        // The submission's span runs from DATA (when this sink was made) to the reply; an API request's span is its parent.
        using var span = OutpostTracing.Source.StartActivity(OutpostTracing.Submission, ActivityKind.Server, default(ActivityContext), startTime: _receivedAt);
        var reply = await CommitMessageAsync(cancellationToken);
        if (span is not null)
        {
            span.SetTag(OutpostTracing.QueueIdTag, _id);
            span.SetTag(OutpostTracing.MessageIdTag, OutpostTracing.MessageIdForTag(_addedMessageId ?? (_headers.RawMessageId is { } raw ? MessageIdValue.Parse(raw) : null)));
            span.SetTag("outpost.source", _session.Mode == ListenerMode.Feedback ? QueuedMessage.FeedbackSource : _session.AuthenticatedUser is not null ? "submission" : "relay");
            span.SetTag("outpost.recipients", _recipients.Count);
            span.SetTag("outpost.reply_code", reply.Code);
            if (!reply.IsPositive)
                span.SetStatus(ActivityStatusCode.Error, reply.Enhanced);
        }
        return reply;
    }

    async ValueTask<SmtpReply> CommitMessageAsync(CancellationToken cancellationToken)
    {
        try
        {
            if (_headers.InHeaders)
                WriteMissingHeaders();
            if (FormatRefusal() is { } malformed)
            {
                // Permanent, and before the flush: the file is removed with the sink, so nothing of it is stored.
                await _onRefused(malformed);
                return malformed;
            }
            if (_writeFailure is { } failed)
                throw failed;
            FlushBuffer();
            var staged = _file!;
            _file = null;
            await _context.Bodies.SealAsync(_id, staged, cancellationToken);
            _sealed = true;

            var message = new QueuedMessage(
                _id,
                _sender.Address.Normalized,
                DecodeSubject(_headers.RawSubject),
                _size,
                _session.AuthenticatedUser,
                _session.Remote.Address.ToString(),
                _session.Helo,
                _session.Mode == ListenerMode.Feedback ? QueuedMessage.FeedbackSource : _session.AuthenticatedUser is not null ? "submission" : "relay",
                _receivedAt,
                _path)
            {
                HeaderMessageId = _addedMessageId ?? (_headers.RawMessageId is { } raw ? MessageIdValue.Parse(raw) : null),
            };
            var recipients = new List<NewRecipient>(_recipients.Count);
            foreach (var rcpt in _recipients)
                recipients.Add(new NewRecipient(rcpt.Address.Normalized, rcpt.Address.Domain, await _context.Router.RouteAsync(rcpt.Address.Normalized, rcpt.Address.Domain, cancellationToken)));

            var external = recipients.Where(r => r.Route == Route.Remote).Select(r => r.Address).ToList();
            ContentVerdict? verdict = null;
            ReviewHold? review = null;
            if (external.Count > 0)
            {
                using (var policy = OutpostTracing.Source.StartActivity(OutpostTracing.Policy))
                {
                    verdict = Classify(external, cancellationToken);
                    var (outcome, decided) = verdict.Refusal is { } r ? ("refused", r.Class.Code()) : verdict.Review is { } h ? ("held", h.Class.Code()) : ("passed", "none");
                    _context.Metrics.Verdict(outcome, decided);
                    policy?.SetTag(OutpostTracing.QueueIdTag, _id);
                    policy?.SetTag("outpost.policy.verdict", outcome);
                    policy?.SetTag("outpost.policy.class", decided);
                }
                if (verdict.Refusal is { } refused)
                {
                    var reply = ContentReplies.Refusal(refused);
                    await _context.Restrictions.RecordViolationAsync(_sender.Address.Normalized, _sender.Address.Domain, refused.Class, message.Subject, cancellationToken);
                    await _onRefused(reply);
                    return reply;
                }
                message = message with { ContentVerdict = verdict.Summary };
                if (verdict.Review is { } held)
                    review = new ReviewHold(held.Class.Code(), held.Score, string.Join("; ", held.Signals), verdict.Model);
            }

            // The reply is settled before the commit, so an idempotency key's answer can be written with the message.
            var accepted = verdict?.Review is { } reviewed
                ? ContentReplies.Held(_id, reviewed)
                : verdict is { LooksLikeTestMail: true }
                    ? new SmtpReply(250, "2.0.0", $"Ok: queued as {_id}; note: {ContentClass.TestMail.Sentence()}")
                    : new SmtpReply(250, "2.0.0", $"Ok: queued as {_id}");
            // Durable and handed to delivery: held recipients wait for the review, the rest go now.
            await _context.Enqueuer.EnqueueAsync(new NewMessage(message, recipients, review) { Idempotency = _completion?.Invoke(accepted) });
            _committed = true;
            _context.Metrics.Accepted();
            if (verdict is not null)
                _context.Classifier.Accepted(verdict, external);
            return accepted;
        }
        catch (IdempotencyClaimLostException)
        {
            // Another request with the same key took it over while this one was slow; that one answers for the key.
            _context.Logger.LogWarning("Message {Id} was not queued: its idempotency key was taken over by a retry", _id);
            return new SmtpReply(451, "4.3.0", IdempotencySentences.InProgress);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or System.Data.Common.DbException or FormatException)
        {
            var reply = StorageReplies.For(ex, _context.Spool, _context.Options.Smtp.MinFreeSpace);
            // A full disk is an operator's problem to see, but not a stack trace per message.
            if (reply == SmtpReplies.LocalError)
                _context.Logger.LogError(ex, "Message {Id} could not be queued", _id);
            else
                _context.Logger.LogWarning("Message {Id} was not accepted: {Reply} ({Error})", _id, reply, ex.Message);
            return reply;
        }
    }

    /// <summary>
    /// A header block every receiver would stumble over: no From, or 8-bit bytes without SMTPUTF8. The feedback
    /// listener takes reports as receivers write them, so the rules hold for submission and the relay only.
    /// </summary>
    SmtpReply? FormatRefusal()
    {
        if (_session.Mode == ListenerMode.Feedback)
            return null;
        if (!_headers.HasFrom)
            return FormatReplies.NoFrom;
        if (_headers.HasEightBit && !_sender.Parameters.ContainsKey("SMTPUTF8"))
            return FormatReplies.EightBitHeaders;
        return null;
    }

    /// <summary>
    /// Parses the spool file synchronously on purpose: it is a local file in the page cache, and MimeKit's
    /// async parser would send each small read through the thread pool.
    /// </summary>
    ContentVerdict Classify(IReadOnlyCollection<string> external, CancellationToken cancellationToken)
    {
        // No FileStream buffer: MimeKit's parser reads in blocks of its own.
        using var content = MessageSpool.OpenRead(_path, bufferSize: 0);
        using var mime = MimeMessage.Load(content, persistent: true, cancellationToken);
        return _context.Classifier.Classify(mime, _size, external);
    }

    static string? DecodeSubject(string? raw)
    {
        if (raw is null)
            return null;
        try
        {
            return Rfc2047.DecodeText(Encoding.UTF8.GetBytes(raw));
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            return raw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_file is not null)
            await _file.DisposeAsync();
        if (_buffer.Length > 0)
            System.Buffers.ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        if (!_committed)
        {
            MessageSpool.Delete(_path);
            if (_sealed)
                await DeleteSealedAsync();
        }
        else
            _context.Bodies.ReleaseStaged(_id);
    }

    async Task DeleteSealedAsync()
    {
        try
        {
            await _context.Bodies.DeleteAsync(_id);
        }
        catch (Exception ex) when (ex is IOException or System.Data.Common.DbException)
        {
            // A body without queue rows is never delivered; the sweeper removes it later.
            _context.Logger.LogWarning("The body of message {Id}, which was not queued, is left for the sweeper ({Error})", _id, ex.Message);
        }
    }
}
