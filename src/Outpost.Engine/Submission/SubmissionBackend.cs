using Microsoft.Extensions.Logging;
using Outpost.Engine.Accounts;
using Outpost.Engine.Domains;
using Outpost.Engine.Idempotency;
using Outpost.Engine.Policy;
using Outpost.Engine.Queue;
using Outpost.Engine.Routing;
using Outpost.Engine.SendLog;
using Outpost.Engine.Suppression;
using Outpost.Smtp;

namespace Outpost.Engine.Submission;

/// <summary>
/// The engine's side of an SMTP session: who may log in, as whom they may send, which recipients are
/// taken, and where the data goes. Talks to: accounts, the send log, the spool sink.
/// Security stance: never an open relay. Every transaction needs AUTH or a trusted network; the
/// envelope sender must belong to the client; unknown hosted mailboxes are refused at RCPT; every
/// refusal is logged with its sentence; passwords are never logged. The one exception is the feedback
/// listener: anyone may send there, as anyone, but only to the feedback addresses, whose mail is read
/// as complaints and never leaves.
/// </summary>
public sealed class SubmissionBackend : ISmtpBackend
{
    readonly IAccountStore _accounts;
    readonly AccountService _login;
    readonly ISendLog _log;
    readonly AuthThrottle _throttle;
    readonly TrustedNetworks _trusted;
    readonly SubmissionContext _context;
    readonly SendingGate _gate;
    readonly RateLimiter _rates;
    readonly SuppressionService _suppressions;
    readonly FeedbackAddresses _feedback;
    readonly ILogger _logger;

    /// <summary>The refusal on the feedback listener of any recipient but a feedback address.</summary>
    public static readonly SmtpReply NotFeedbackAddress = new(550, "5.7.1", "This server accepts mail only for its feedback addresses");

    internal SubmissionBackend(IAccountStore accounts, AccountService login, ISendLog log, AuthThrottle throttle, TrustedNetworks trusted, SubmissionContext context,
        SendingGate gate, RateLimiter rates, SuppressionService suppressions, FeedbackAddresses feedback, ILogger<SubmissionBackend> logger)
    {
        _feedback = feedback;
        _suppressions = suppressions;
        _gate = gate;
        _rates = rates;
        _accounts = accounts;
        _login = login;
        _log = log;
        _throttle = throttle;
        _trusted = trusted;
        _context = context;
        _logger = logger;
    }

    public ValueTask<ConnectDecision> OnConnectAsync(SmtpSessionInfo session, CancellationToken cancellationToken)
    {
        _context.Metrics.SmtpConnection(ListenerLabel(session.Mode));
        var trusted = session.Mode == ListenerMode.Relay ? _trusted.DomainFor(session.Remote.Address) : null;
        return ValueTask.FromResult(new ConnectDecision(null, trusted));
    }

    /// <summary>The listener as a metric label: fixed strings, no allocation per connection.</summary>
    static string ListenerLabel(ListenerMode mode) => mode switch
    {
        ListenerMode.Submission => "submission",
        ListenerMode.ImplicitTls => "implicit-tls",
        ListenerMode.Relay => "relay",
        ListenerMode.Feedback => "feedback",
        _ => "other",
    };

    public async ValueTask<AuthOutcome> AuthenticateAsync(SmtpSessionInfo session, string user, string password, CancellationToken cancellationToken)
    {
        var address = session.Remote.Address;
        if (await _throttle.IsBlockedAsync(address, cancellationToken))
        {
            await RefuseAsync(session, "auth", new SmtpReply(421, "4.7.0", "Too many failed logins; try again later"), null, null, attemptedUser: Truncate(user));
            return new AuthOutcome(false, null, TimeSpan.Zero, Disconnect: true);
        }
        if (await _login.LoginAsync(user, password, cancellationToken) is { } mailbox)
            return AuthOutcome.Succeeded(mailbox.Address);

        var (delay, disconnect) = await _throttle.RecordFailureAsync(address, cancellationToken);
        _logger.LogWarning("Failed login for {User} from {Client}", Truncate(user), address);
        await RefuseAsync(session, "auth", SmtpReplies.AuthFailed, null, null, attemptedUser: Truncate(user));
        return new AuthOutcome(false, null, delay, disconnect);
    }

    public async ValueTask<SmtpReply> CheckSenderAsync(SmtpSessionInfo session, MailPath sender, CancellationToken cancellationToken)
    {
        // Refused before any data is sent: a message that the spool's disk could not hold, or that would leave the
        // database beside it no room to record deliveries, is better kept by the client for a while.
        var verdict = StorageReplies.IsBelowReserve(_context.Spool, _context.Options.Smtp.MinFreeSpace)
            ? StorageReplies.DiskFull
            : await SenderVerdictAsync(session, sender.Address, cancellationToken);
        if (!verdict.IsPositive)
            await RefuseAsync(session, "mail", verdict, sender.Address.Normalized, null);
        return verdict;
    }

    async Task<SmtpReply> SenderVerdictAsync(SmtpSessionInfo session, EmailAddress sender, CancellationToken cancellationToken)
    {
        // Feedback loops send from their own addresses (some from <>); what they send is only ever read here.
        if (session.Mode == ListenerMode.Feedback)
            return new SmtpReply(250, "2.1.0", "Sender ok");
        if (sender.IsNull)
            return new SmtpReply(550, "5.7.1", "The null sender <> cannot be used to submit mail");
        if (session.AuthenticatedUser is { } user)
        {
            if (sender.Normalized == user)
                return new SmtpReply(250, "2.1.0", "Sender ok");
            var mailbox = await _accounts.GetMailboxAsync(user, cancellationToken);
            if (mailbox is { Role: MailboxRole.Admin } && mailbox.Domain == sender.Domain)
                return new SmtpReply(250, "2.1.0", "Sender ok");
            return new SmtpReply(550, "5.7.1", $"You may not send as <{sender}>; send as your own address <{user}>");
        }
        if (session.TrustedDomain is { } domain)
        {
            return sender.Domain == domain
                ? new SmtpReply(250, "2.1.0", "Sender ok")
                : new SmtpReply(550, "5.7.1", $"This network may send only as addresses of {domain}");
        }
        return SmtpReplies.AuthRequired;
    }

    public async ValueTask<SmtpReply> CheckRecipientAsync(SmtpSessionInfo session, MailPath sender, MailPath recipient, CancellationToken cancellationToken)
    {
        var address = recipient.Address;
        // A feedback address needs no mailbox and no sending checks: its mail is read as a complaint, here.
        if (_feedback.Contains(address.Normalized))
            return new SmtpReply(250, "2.1.5", "Recipient ok");
        if (session.Mode == ListenerMode.Feedback)
        {
            await RefuseAsync(session, "rcpt", NotFeedbackAddress, sender.Address.Normalized, address.Normalized);
            return NotFeedbackAddress;
        }
        if (await _accounts.GetDomainAsync(address.Domain, cancellationToken) is not null)
        {
            if (await _accounts.GetMailboxAsync(address.Normalized, cancellationToken) is not null)
                return new SmtpReply(250, "2.1.5", "Recipient ok");
            var unknown = new SmtpReply(550, "5.1.1", $"The mailbox <{address.Normalized}> does not exist");
            await RefuseAsync(session, "rcpt", unknown, sender.Address.Normalized, address.Normalized, [Refused(sender, recipient, unknown)]);
            return unknown;
        }

        // External recipient: a restricted sender first; then the paid plan and the sending DNS records,
        // in that order (F1); then an address the sender's domain must not send to again; then the rate limits.
        var senderDomain = sender.Address.Domain;
        var refusal = await _context.Restrictions.RefusalAsync(sender.Address.Normalized, senderDomain, cancellationToken)
            ?? await _gate.RefusalAsync(senderDomain, cancellationToken);
        var suppressed = false;
        if (refusal is null && await _suppressions.RefusalAsync(senderDomain, address.Normalized, cancellationToken) is { } suppression)
            (refusal, suppressed) = (suppression, true);
        refusal ??= await _rates.RefusalAsync(sender.Address.Normalized, senderDomain, session.AcceptedRecipients + 1, cancellationToken);
        if (refusal is { } refused)
        {
            await RefuseAsync(session, "rcpt", refused, sender.Address.Normalized, address.Normalized, [Refused(sender, recipient, refused, suppressed)]);
            return refused;
        }
        var note = await _gate.FreshRecordsNoteAsync(senderDomain, cancellationToken);
        return new SmtpReply(250, "2.1.5", note is null ? "Recipient ok" : $"Recipient ok; note: {note}");
    }

    public IMessageSink OpenMessage(SmtpSessionInfo session, MailPath sender, IReadOnlyList<MailPath> recipients) => OpenMessage(session, sender, recipients, null);

    /// <summary>As SMTP's DATA, for an API submission: <paramref name="completion"/> gives the idempotency key's completion to write with the message.</summary>
    public IMessageSink OpenMessage(SmtpSessionInfo session, MailPath sender, IReadOnlyList<MailPath> recipients, Func<SmtpReply, IdempotencyCompletion>? completion) =>
        new SpoolMessageSink(_context, session, sender, recipients,
            reply => RefuseAsync(session, "data", reply, sender.Address.Normalized, null, recipients.Select(r => Refused(sender, r, reply)).ToList()), completion);

    /// <summary>
    /// A refusal by the protocol layer. After DATA (too big, a line too long, a bare line ending) it refuses
    /// the whole message, so each recipient of the transaction gets its rejected event.
    /// </summary>
    public void OnProtocolRefusal(SmtpSessionInfo session, string stage, SmtpReply reply, MailPath? sender) =>
        _ = RefuseAsync(session, stage, reply, sender?.Address.Normalized, null,
            stage == "data" && sender is not null ? session.Recipients.Select(r => Refused(sender, r, reply)).ToList() : null);

    /// <summary>A recipient refused with <paramref name="reply"/>, as the lifecycle's owner words it; the sender was already accepted for this client.</summary>
    static RefusedRecipient Refused(MailPath sender, MailPath recipient, SmtpReply reply, bool suppressed = false) =>
        RecipientTransitions.Refused(sender.Address.Normalized, recipient.Address.Normalized, reply.Code, reply.ToString(), suppressed);

    /// <summary>
    /// Records a refusal; for a failed login <paramref name="attemptedUser"/> is the name that was tried (never the password).
    /// Refusals of recipients or messages (RCPT, after DATA) carry the refused recipients, whose events
    /// (rejected, suppressed) go into the outbox with the refusal; a refused login or sender has none.
    /// </summary>
    async Task RefuseAsync(SmtpSessionInfo session, string stage, SmtpReply reply, string? sender, string? recipient,
        IReadOnlyList<RefusedRecipient>? refused = null, string? attemptedUser = null)
    {
        _context.Metrics.Refused(stage, string.IsNullOrEmpty(reply.Enhanced) ? reply.Code.ToString(System.Globalization.CultureInfo.InvariantCulture) : reply.Enhanced);
        // The feedback listener takes anyone's mail under any claimed sender: its refusals are logged, but they
        // raise no events, which would land in the claimed domain's webhooks.
        if (session.Mode == ListenerMode.Feedback)
            refused = null;
        try
        {
            await _log.RecordRefusalAsync(new Refusal(_context.Time.GetUtcNow(), session.Id, session.Remote.Address.ToString(),
                session.AuthenticatedUser ?? attemptedUser, sender, recipient, stage, reply.Code, reply.ToString()), refused);
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or InvalidOperationException)
        {
            _logger.LogWarning(ex, "Could not record a refusal in the send log");
        }
    }

    static string Truncate(string text) => text.Length <= 100 ? text : text[..100];
}
