using System.Net;
using System.Text.RegularExpressions;
using MimeKit;
using Outpost.Engine.Accounts;
using Outpost.Engine.Configuration;
using Outpost.Engine.Idempotency;
using Outpost.Smtp;

namespace Outpost.Engine.Submission;

/// <summary>
/// Submits a message that came over HTTP through exactly the path SMTP takes — the same sender and
/// recipient checks, sending gate, limits, content checks, spool and queue — so the API answers with the
/// same sentences. It plays an authenticated SMTP session against the engine's back end.
/// </summary>
public sealed partial class ApiSubmission(SubmissionBackend backend, OutpostOptions options)
{
    /// <param name="completion">
    /// For a request with an idempotency key: called once, just before the message is queued, with the result
    /// the request is about to get; the completion it returns (the key's claim and its answer) is written in
    /// the enqueue transaction, so the message and the key's answer are durable together or not at all.
    /// </param>
    public async Task<ApiSubmissionResult> SubmitAsync(ApiCaller caller, IPAddress client, string from, IReadOnlyList<string> recipients,
        Stream rfc5322, CancellationToken cancellationToken, Func<ApiSubmissionResult, IdempotencyCompletion>? completion = null)
    {
        var session = new SmtpSessionInfo
        {
            Id = "api." + Guid.NewGuid().ToString("N")[..8],
            ListenerName = "api",
            Mode = ListenerMode.Submission,
            Remote = new IPEndPoint(client, 0),
            Local = new IPEndPoint(IPAddress.Loopback, 0),
            Helo = "api",
            Esmtp = true,
            AuthenticatedUser = caller.DomainWide ? null : caller.Mailbox,
            TrustedDomain = caller.DomainWide ? caller.Domain : null,
        };

        var sender = ParsePath(from, "FROM");
        if (sender.Path is not { } senderPath)
            return new ApiSubmissionResult(sender.Error, null, []);
        var verdict = await backend.CheckSenderAsync(session, senderPath, cancellationToken);
        if (!verdict.IsPositive)
            return new ApiSubmissionResult(verdict, null, []);

        var accepted = new List<MailPath>();
        var replies = new List<(string, SmtpReply)>();
        if (recipients.Count > options.Smtp.MaxRecipients)
            return new ApiSubmissionResult(new SmtpReply(452, "4.5.3", $"At most {options.Smtp.MaxRecipients} recipients per message"), null, []);
        foreach (var recipient in recipients.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            var parsed = ParsePath(recipient, "TO");
            if (parsed.Path is not { } path)
            {
                replies.Add((recipient, parsed.Error));
                continue;
            }
            session.AcceptedRecipients = accepted.Count;
            var reply = await backend.CheckRecipientAsync(session, senderPath, path, cancellationToken);
            replies.Add((path.Address.Normalized, reply));
            if (reply.IsPositive)
                accepted.Add(path);
        }
        if (accepted.Count == 0)
            return new ApiSubmissionResult(replies.Select(r => r.Item2).FirstOrDefault(r => !r.IsPositive, SmtpReplies.NoRecipients), null, replies);

        Func<SmtpReply, IdempotencyCompletion>? complete = completion is null ? null : reply => completion(new ApiSubmissionResult(reply, IdOf(reply), replies));
        await using var sink = backend.OpenMessage(session, senderPath, accepted, complete);
        using var reader = new StreamReader(rfc5322, System.Text.Encoding.UTF8);
        long size = 0;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            size += System.Text.Encoding.UTF8.GetByteCount(line) + 2;
            if (size > options.Smtp.MaxMessageSize)
            {
                // Recorded as SMTP records it: a refusal of the message, with each recipient's rejected event.
                var tooBig = SmtpReplies.MessageTooBig(options.Smtp.MaxMessageSize);
                session.Recipients = accepted;
                backend.OnProtocolRefusal(session, "data", tooBig, senderPath);
                return new ApiSubmissionResult(tooBig, null, replies);
            }
            sink.WriteLine(System.Text.Encoding.UTF8.GetBytes(line));
        }
        var final = await sink.CommitAsync(cancellationToken);
        return new ApiSubmissionResult(final, IdOf(final), replies);
    }

    /// <summary>
    /// An address the API was given bare (a query parameter, a JSON field) as the path of MAIL or RCPT. A '&lt;' or
    /// '&gt;' in it is refused: wrapped as <c>&lt;address&gt;</c>, "a@example.com&gt; RET=HDRS" would otherwise
    /// close the path early and pass the rest on as ESMTP parameters.
    /// </summary>
    public static AddressParseResult ParsePath(string address, string keyword) =>
        address.AsSpan().IndexOfAny('<', '>') >= 0
            ? AddressParseResult.Fail(BracketInAddress)
            : AddressParser.ParseCommandArgument($"{keyword}:<{address}>", keyword, allowNull: false);

    static readonly SmtpReply BracketInAddress = new(501, "5.1.3", "An address may not contain < or >; give it bare, as local@domain");

    static string? IdOf(SmtpReply reply) => reply.IsPositive && QueuedAs().Match(reply.Text) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>Submits a message built in memory (from the API's fields or the compose page) as its RFC 5322 bytes.</summary>
    public async Task<ApiSubmissionResult> SubmitAsync(ApiCaller caller, IPAddress client, string from, IReadOnlyList<string> recipients,
        MimeMessage message, CancellationToken cancellationToken, Func<ApiSubmissionResult, IdempotencyCompletion>? completion = null)
    {
        using var body = new MemoryStream();
        await message.WriteToAsync(FormatOptions.Default, body, cancellationToken);
        body.Position = 0;
        return await SubmitAsync(caller, client, from, recipients, body, cancellationToken, completion);
    }

    /// <summary>A message built from the API's JSON fields, refusing any header value with a line break or NUL.</summary>
    public static MimeMessage Build(string from, IReadOnlyList<string> to, IReadOnlyList<string> cc, string? subject, string? text, string? html,
        IReadOnlyList<(string Name, string ContentType, byte[] Content)> attachments, IReadOnlyDictionary<string, string> headers)
    {
        foreach (var value in new[] { from, subject ?? "" }.Concat(to).Concat(cc).Concat(attachments.Select(a => a.Name)).Concat(attachments.Select(a => a.ContentType))
                     .Concat(headers.Keys).Concat(headers.Values))
        {
            if (value.IndexOfAny(['\r', '\n', '\0']) >= 0)
                throw new FormatException("Header values, addresses, the subject and attachment names may not contain line breaks or NUL characters.");
        }
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        foreach (var a in to)
            message.To.Add(MailboxAddress.Parse(a));
        foreach (var a in cc)
            message.Cc.Add(MailboxAddress.Parse(a));
        message.Subject = subject ?? "";
        foreach (var (name, value) in headers)
        {
            if (name.Length == 0 || !name.All(c => c is > ' ' and < '\x7f' and not ':'))
                throw new FormatException($"'{name}' is not a header name.");
            if (Reserved.Contains(name))
                throw new FormatException($"The header {name} is set by its own field or by Outpost.");
            message.Headers.Add(name, value);
        }
        var body = new BodyBuilder { TextBody = text, HtmlBody = html };
        foreach (var (name, contentType, content) in attachments)
            body.Attachments.Add(name, content, ContentType.Parse(contentType));
        message.Body = body.ToMessageBody();
        message.Prepare(EncodingConstraint.EightBit, 998);
        return message;
    }

    static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "To", "Cc", "Bcc", "Subject", "Content-Type", "Content-Transfer-Encoding", "MIME-Version", "Received", "DKIM-Signature", "Return-Path",
    };

    [GeneratedRegex("queued as ([0-9A-Z]{16})")]
    private static partial Regex QueuedAs();
}
