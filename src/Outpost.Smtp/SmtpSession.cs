using System.Net.Security;
using Microsoft.Extensions.Logging;

namespace Outpost.Smtp;

/// <summary>
/// One SMTP conversation, from greeting to QUIT. This file holds the loop and the dispatch; each verb
/// lives in its own <c>SmtpSession.Verb.cs</c> file. Talks to: <see cref="SmtpConnection"/> for bytes,
/// <see cref="ISmtpBackend"/> for every decision about people and mail.
/// Security stance: nothing is accepted before AUTH or a trusted network (the feedback listener excepted, whose
/// recipients the engine limits to its feedback addresses); AUTH only over TLS; TLS resets
/// all state; strict line endings; every input bounded; too many errors close the connection.
/// </summary>
internal sealed partial class SmtpSession
{
    readonly SmtpConnection _connection;
    readonly SmtpServerOptions _options;
    readonly ISmtpBackend _backend;
    readonly SslStreamCertificateContext? _certificate;
    readonly ILogger _logger;
    readonly SmtpSessionInfo _info;

    MailPath? _sender;
    readonly List<MailPath> _recipients = [];
    int _errors;
    int _authFailures;
    // Until the client opens its first transaction, it waits only the short greeting timeout for each command.
    bool _transactionSeen;

    public SmtpSession(SmtpConnection connection, SmtpSessionInfo info, SmtpServerOptions options, ISmtpBackend backend,
        SslStreamCertificateContext? certificate, ILogger logger)
    {
        _connection = connection;
        _info = info;
        // The live list: the engine reads it when the protocol refuses a message after DATA, before the transaction is reset.
        _info.Recipients = _recipients;
        _options = options;
        _backend = backend;
        _certificate = certificate;
        _logger = logger;
    }

    bool TlsAvailable => _certificate is not null;

    public async Task RunAsync(CancellationToken serverStopping)
    {
        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(serverStopping);
        lifetime.CancelAfter(_options.ConnectionLifetime);
        try
        {
            if (_info.Mode == ListenerMode.ImplicitTls)
            {
                if (_certificate is null)
                    return;
                using var handshake = CancellationTokenSource.CreateLinkedTokenSource(lifetime.Token);
                handshake.CancelAfter(TimeSpan.FromSeconds(30));
                await _connection.StartTlsAsync(_certificate, handshake.Token);
                _info.TlsProtocol = _connection.TlsProtocol;
                _info.TlsCipher = _connection.TlsCipher;
            }

            var decision = await _backend.OnConnectAsync(_info, lifetime.Token);
            if (decision.Refusal is { } refusal)
            {
                _connection.Queue(refusal);
                await _connection.FlushAsync(lifetime.Token);
                return;
            }
            _info.TrustedDomain = decision.TrustedDomain;
            _connection.Queue(new SmtpReply(220, "", $"{_options.Hostname} ESMTP Outpost"));
            await _connection.FlushAsync(lifetime.Token);

            while (await ReadAndHandleAsync(lifetime.Token))
            {
                if (!_connection.HasBufferedInput())
                    await _connection.FlushAsync(lifetime.Token);
            }
            await _connection.FlushAsync(lifetime.Token);
        }
        catch (OperationCanceledException) when (serverStopping.IsCancellationRequested)
        {
            await TrySendAsync(SmtpReplies.ShuttingDown);
        }
        catch (OperationCanceledException)
        {
            await TrySendAsync(SmtpReplies.Timeout);
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
        {
            _logger.LogDebug("Session {Session} from {Remote} ended: {Reason}", _info.Id, _info.Remote, ex.Message);
        }
        catch (Exception ex)
        {
            _logger.LogError(ex, "Session {Session} from {Remote} failed", _info.Id, _info.Remote);
            await TrySendAsync(SmtpReplies.LocalError);
        }
    }

    async Task TrySendAsync(SmtpReply reply)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            _connection.Queue(reply);
            await _connection.FlushAsync(cts.Token);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // The peer is gone; nothing more to tell it.
        }
    }

    /// <summary>Reads one command and acts on it; false ends the session.</summary>
    async Task<bool> ReadAndHandleAsync(CancellationToken lifetime)
    {
        var (status, line) = await ReadWithTimeoutAsync(_options.MaxCommandLine, _options.CommandTimeout, lifetime);
        switch (status)
        {
            case LineStatus.Closed:
                return false;
            case LineStatus.BareLineEnding:
                _connection.Queue(SmtpReplies.BareLineEnding);
                _backend.OnProtocolRefusal(_info, "command", SmtpReplies.BareLineEnding, _sender);
                return false;
            case LineStatus.TooLong:
                _connection.Queue(SmtpReplies.LineTooLong);
                return false;
            case LineStatus.BadEncoding:
                return Error(new SmtpReply(500, "5.5.2", "Command is not valid UTF-8"));
        }

        // A PROXY protocol header from a client that is not a configured load balancer: v1 reads as a PROXY
        // command, v2's signature as a blank line followed by the rest of it.
        if (line.Length == 0 && _connection.BufferedStartsWith(Proxy.ProxyHeaderParser.Signature[2..]))
            return RefuseProxyHeader();

        var space = line.IndexOf(' ');
        var verb = (space < 0 ? line : line[..space]).ToUpperInvariant();
        var argument = space < 0 ? "" : line[(space + 1)..].Trim();
        return verb switch
        {
            "EHLO" => Ehlo(argument, esmtp: true),
            "HELO" => Ehlo(argument, esmtp: false),
            "STARTTLS" => await StartTlsAsync(argument, lifetime),
            "AUTH" => await AuthAsync(argument, lifetime),
            "MAIL" => await MailAsync(argument, lifetime),
            "RCPT" => await RcptAsync(argument, lifetime),
            "DATA" => await DataAsync(argument, lifetime),
            "RSET" => Reply(ResetTransaction(SmtpReplies.Ok)),
            "NOOP" => Reply(SmtpReplies.Ok),
            "VRFY" => Reply(SmtpReplies.VrfyDisabled),
            "HELP" => Reply(new SmtpReply(214, "2.0.0", "See RFC 5321")),
            "QUIT" => Quit(),
            "PROXY" => RefuseProxyHeader(),
            "GET" or "POST" or "CONNECT" or "HEAD" or "PUT" => Fatal(SmtpReplies.NotHttp),
            _ => Error(SmtpReplies.Unrecognized),
        };
    }

    /// <summary>
    /// Reads one line: up to <paramref name="timeout"/> for it to begin (less before the first MAIL, see
    /// <see cref="SmtpServerOptions.GreetingTimeout"/>), and from its first byte at most the command line
    /// deadline for all of it, so a client trickling a byte at a time is cut off as surely as a silent one.
    /// </summary>
    async ValueTask<(LineStatus, string)> ReadWithTimeoutAsync(int maxLength, TimeSpan timeout, CancellationToken lifetime)
    {
        if (!_transactionSeen && _options.GreetingTimeout < timeout)
            timeout = _options.GreetingTimeout;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(lifetime);
        cts.CancelAfter(timeout);
        var lineTimeout = _options.CommandLineTimeout;
        return await _connection.ReadLineAsync(maxLength, cts.Token, () => cts.CancelAfter(lineTimeout < timeout ? lineTimeout : timeout));
    }

    bool RefuseProxyHeader()
    {
        _backend.OnProtocolRefusal(_info, "command", SmtpReplies.ProxyHeaderNotTrusted, _sender);
        return Fatal(SmtpReplies.ProxyHeaderNotTrusted);
    }

    bool Reply(SmtpReply reply)
    {
        _connection.Queue(reply);
        return true;
    }

    /// <summary>Answers a client error; after too many the connection closes.</summary>
    bool Error(SmtpReply reply)
    {
        if (++_errors > _options.MaxErrors)
            return Fatal(SmtpReplies.TooManyErrors);
        _connection.Queue(reply);
        return true;
    }

    bool Fatal(SmtpReply reply)
    {
        _connection.Queue(reply);
        return false;
    }

    bool Quit()
    {
        _connection.Queue(SmtpReplies.Bye);
        return false;
    }

    SmtpReply ResetTransaction(SmtpReply reply)
    {
        _sender = null;
        _recipients.Clear();
        _info.AcceptedRecipients = 0;
        return reply;
    }
}
