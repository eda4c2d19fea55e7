using System.Buffers;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Text;

namespace Outpost.Smtp.Client;

/// <summary>
/// One outbound SMTP connection: greeting, EHLO (HELO when refused), STARTTLS or implicit TLS, AUTH
/// PLAIN/LOGIN for relays, then any number of mail transactions, each a pipelined MAIL and RCPTs, DATA,
/// and the message streamed from the caller's bytes with dot-stuffing on the way out. The message is
/// sent exactly as given (Outpost's spool bytes with the DKIM fields in front), never parsed and written
/// again, so what was signed is what goes out. With <see cref="SmtpClientOptions.Lmtp"/> the same connection
/// speaks LMTP to a mailbox server (RFC 2033): LHLO, and one reply per recipient after the message.
/// Why our own client rather than MailKit's: MailKit sends a parsed MimeMessage, which meant parsing
/// each spool file and serialising it twice more (once to count its size, once to send) on the hottest
/// path of the service; and a relay needs each recipient's reply, not a first-failure exception.
/// </summary>
public sealed class SmtpClientConnection : IAsyncDisposable
{
    const int MaxReplyLine = 4096;
    const int MaxReplyLines = 128;
    const int ChunkSize = 32 * 1024;
    static readonly RemoteReply ClosedBeforeTurn = new(421, "4.4.2 The server closed the connection before this recipient's turn");

    readonly Socket _socket;
    readonly string _host;
    readonly SmtpClientOptions _options;
    Stream _stream;
    byte[] _in = ArrayPool<byte>.Shared.Rent(MaxReplyLine * 2);
    int _inStart, _inEnd;
    byte[] _out = ArrayPool<byte>.Shared.Rent(DotStuffer.MaxOutput(ChunkSize) + 8);
    int _outLength;
    bool _broken;
    bool _closing;
    bool _disposed;

    SmtpClientConnection(Socket socket, string host, SmtpClientOptions options)
    {
        _socket = socket;
        _host = host;
        _options = options;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    public RemoteCapabilities Capabilities { get; private set; }
    public long MaxSize { get; private set; }
    public bool IsSecure => _stream is SslStream;
    public SslProtocols SslProtocol => _stream is SslStream ssl ? ssl.SslProtocol : SslProtocols.None;

    /// <summary>False once the connection broke or the server refused to reset; it must then be closed.</summary>
    public bool IsUsable => !_broken && _socket.Connected;

    /// <summary>
    /// For a connection that waited between messages: usable, and the server has neither closed it nor
    /// said anything meanwhile (a server that drops an idle client says 421 first). Either would make the
    /// next transaction fail for a reason that has nothing to do with its message, so such a connection is
    /// closed and a fresh one opened instead.
    /// </summary>
    public bool IsIdleUsable
    {
        get
        {
            if (!IsUsable)
                return false;
            try
            {
                return !_socket.Poll(0, SelectMode.SelectRead);
            }
            catch (SocketException)
            {
                return false;
            }
        }
    }

    /// <summary>The stage named when the server refuses a login.</summary>
    public const string AuthStage = "AUTH";

    /// <summary>Starts SMTP on a connected socket (which the connection then owns) and says hello, with TLS as the options say.</summary>
    public static async Task<SmtpClientConnection> OpenAsync(Socket socket, string host, SmtpClientOptions options, CancellationToken cancellationToken)
    {
        var connection = new SmtpClientConnection(socket, host, options);
        try
        {
            if (options.Tls == ClientTls.Implicit)
                await connection.StartTlsAsync(cancellationToken);
            var greeting = await connection.ReadReplyAsync(options.CommandTimeout, cancellationToken, what: "its greeting");
            if (greeting.Code != 220)
                throw new RemoteRefusalException("the connection", greeting);
            await connection.HelloAsync(cancellationToken);
            if (options.Tls is not ClientTls.Implicit and not ClientTls.None && connection.Capabilities.HasFlag(RemoteCapabilities.StartTls))
            {
                var ready = await connection.CommandAsync("STARTTLS\r\n", cancellationToken);
                if (ready.Code != 220)
                {
                    if (options.Tls == ClientTls.StartTlsRequired)
                        throw new RemoteRefusalException("STARTTLS", ready);
                }
                else
                {
                    // Anything the server sent after its 220 came before TLS and could be an attacker's (CVE-2011-0411 in reverse).
                    if (connection._inEnd > connection._inStart)
                        throw new RemoteProtocolException("The server sent data after its reply to STARTTLS");
                    await connection.StartTlsAsync(cancellationToken);
                    await connection.HelloAsync(cancellationToken);
                }
            }
            else if (options.Tls == ClientTls.StartTlsRequired)
            {
                throw new RemoteProtocolException("The server does not offer STARTTLS, which this channel requires");
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    async Task StartTlsAsync(CancellationToken cancellationToken)
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        _stream = ssl;
        using var timeout = Timeout(_options.CommandTimeout, cancellationToken);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = _host,
                RemoteCertificateValidationCallback = _options.CertificateValidation,
                CertificateRevocationCheckMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
            }, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _broken = true;
            throw new TimeoutException($"The TLS handshake did not finish within {Seconds(_options.CommandTimeout)}");
        }
    }

    async Task HelloAsync(CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        var reply = await CommandAsync($"{(_options.Lmtp ? "LHLO" : "EHLO")} {_options.HeloName}\r\n", cancellationToken, lines);
        if (reply.Code == 250)
        {
            Capabilities = ParseCapabilities(lines, out var maxSize);
            MaxSize = maxSize;
            return;
        }
        // A server closing the connection (421) will not hear HELO; its reply is the reason to keep. LMTP has no HELO.
        if (reply.Code == 421 || _options.Lmtp)
            throw new RemoteRefusalException(_options.Lmtp ? "LHLO" : "EHLO", reply);
        reply = await CommandAsync($"HELO {_options.HeloName}\r\n", cancellationToken);
        if (reply.Code != 250)
            throw new RemoteRefusalException("HELO", reply);
        Capabilities = RemoteCapabilities.None;
        MaxSize = 0;
    }

    internal static RemoteCapabilities ParseCapabilities(IReadOnlyList<string> lines, out long maxSize)
    {
        maxSize = 0;
        var capabilities = RemoteCapabilities.None;
        // The first line greets; each further line is a keyword and its parameters.
        foreach (var line in lines.Skip(1))
        {
            var words = line.Split([' ', '='], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
                continue;
            switch (words[0].ToUpperInvariant())
            {
                case "PIPELINING": capabilities |= RemoteCapabilities.Pipelining; break;
                case "8BITMIME": capabilities |= RemoteCapabilities.EightBitMime; break;
                case "SMTPUTF8": capabilities |= RemoteCapabilities.SmtpUtf8; break;
                case "STARTTLS": capabilities |= RemoteCapabilities.StartTls; break;
                case "SIZE":
                    capabilities |= RemoteCapabilities.Size;
                    if (words.Length > 1 && long.TryParse(words[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size))
                        maxSize = size;
                    break;
                case "AUTH":
                    foreach (var mechanism in words.Skip(1))
                    {
                        if (mechanism.Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
                            capabilities |= RemoteCapabilities.AuthPlain;
                        else if (mechanism.Equals("LOGIN", StringComparison.OrdinalIgnoreCase))
                            capabilities |= RemoteCapabilities.AuthLogin;
                    }
                    break;
            }
        }
        return capabilities;
    }

    /// <summary>Logs in to a relay with PLAIN, else LOGIN. The password is never logged or put in an exception.</summary>
    public async Task AuthenticateAsync(string user, string password, CancellationToken cancellationToken)
    {
        static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));
        RemoteReply reply;
        if (Capabilities.HasFlag(RemoteCapabilities.AuthPlain))
        {
            reply = await CommandAsync($"AUTH PLAIN {B64($"\0{user}\0{password}")}\r\n", cancellationToken);
        }
        else if (Capabilities.HasFlag(RemoteCapabilities.AuthLogin))
        {
            reply = await CommandAsync("AUTH LOGIN\r\n", cancellationToken);
            if (reply.Code == 334)
                reply = await CommandAsync(B64(user) + "\r\n", cancellationToken);
            if (reply.Code == 334)
                reply = await CommandAsync(B64(password) + "\r\n", cancellationToken);
        }
        else
        {
            throw new RemoteProtocolException("The server offers no login this channel can use (PLAIN or LOGIN)");
        }
        if (reply.Code != 235)
        {
            if (reply.Code == 334)
                _broken = true; // left halfway through an exchange it did not finish
            throw new RemoteRefusalException(AuthStage, reply);
        }
    }

    /// <summary>
    /// One mail transaction: MAIL and every RCPT in one flight when the server pipelines, DATA when any
    /// recipient was taken, then <paramref name="prefix"/> and <paramref name="content"/> as the message.
    /// A failed transaction is reset so the connection can carry the next message.
    /// </summary>
    public async Task<TransactionResult> SendAsync(string sender, IReadOnlyList<string> recipients, ReadOnlyMemory<byte> prefix, Stream content,
        bool eightBit, CancellationToken cancellationToken)
    {
        var international = !Ascii.IsValid(sender) || recipients.Any(r => !Ascii.IsValid(r));
        if (international && !Capabilities.HasFlag(RemoteCapabilities.SmtpUtf8))
        {
            var refusal = new RemoteReply(553, "5.6.7 The recipient's server does not accept internationalised addresses (SMTPUTF8)");
            return new TransactionResult(refusal, [], null);
        }

        var mail = new StringBuilder("MAIL FROM:<").Append(Checked(sender)).Append('>');
        if (eightBit && Capabilities.HasFlag(RemoteCapabilities.EightBitMime))
            mail.Append(" BODY=8BITMIME");
        if (international)
            mail.Append(" SMTPUTF8");
        if (Capabilities.HasFlag(RemoteCapabilities.Size) && content.CanSeek)
            mail.Append(" SIZE=").Append((prefix.Length + content.Length).ToString(CultureInfo.InvariantCulture));
        mail.Append("\r\n");

        var replies = new RemoteReply[recipients.Count];
        RemoteReply mailReply;
        if (Capabilities.HasFlag(RemoteCapabilities.Pipelining))
        {
            Queue(mail.ToString());
            foreach (var recipient in recipients)
                Queue($"RCPT TO:<{Checked(recipient)}>\r\n");
            await FlushAsync(cancellationToken);
            mailReply = await ReadReplyAsync(_options.CommandTimeout, cancellationToken);
            // After a 421 the server hangs up: the replies still owed will not come.
            for (var i = 0; i < recipients.Count; i++)
                replies[i] = _closing ? ClosedBeforeTurn : await ReadReplyAsync(_options.CommandTimeout, cancellationToken);
        }
        else
        {
            mailReply = await CommandAsync(mail.ToString(), cancellationToken);
            if (mailReply.IsPositive)
                for (var i = 0; i < recipients.Count; i++)
                    replies[i] = _closing ? ClosedBeforeTurn : await CommandAsync($"RCPT TO:<{Checked(recipients[i])}>\r\n", cancellationToken);
        }
        if (!mailReply.IsPositive)
        {
            await ResetAsync(cancellationToken);
            return new TransactionResult(mailReply, [], null);
        }
        if (!replies.Any(r => r.IsPositive))
        {
            await ResetAsync(cancellationToken);
            return new TransactionResult(null, replies, null);
        }

        var go = await CommandAsync("DATA\r\n", cancellationToken);
        if (go.Code != 354)
        {
            await ResetAsync(cancellationToken);
            return new TransactionResult(null, replies, go);
        }
        await WriteMessageAsync(prefix, content, cancellationToken);
        if (_options.Lmtp)
        {
            // RFC 2033 §4.2: one reply per recipient taken at RCPT, in their order.
            var delivered = new RemoteReply?[recipients.Count];
            RemoteReply? first = null;
            for (var i = 0; i < recipients.Count; i++)
            {
                if (!replies[i].IsPositive)
                    continue;
                delivered[i] = _closing ? ClosedBeforeTurn : await ReadReplyAsync(_options.DataTimeout, cancellationToken, what: "its reply to the end of the message");
                first ??= delivered[i];
            }
            return new TransactionResult(null, replies, first, delivered);
        }
        var done = await ReadReplyAsync(_options.DataTimeout, cancellationToken, what: "its reply to the end of the message");
        return new TransactionResult(null, replies, done);
    }

    static string Checked(string address)
    {
        // Addresses were checked when the message was accepted; this guards the command line itself.
        if (address.AsSpan().IndexOfAny("\r\n<> ") >= 0)
            throw new ArgumentException("An address for the SMTP envelope holds a character that cannot go on a command line.");
        return address;
    }

    async Task WriteMessageAsync(ReadOnlyMemory<byte> prefix, Stream content, CancellationToken cancellationToken)
    {
        var stuffer = new DotStuffer();
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            for (var offset = 0; offset < prefix.Length; offset += ChunkSize)
            {
                var length = Math.Min(ChunkSize, prefix.Length - offset);
                await FlushIfFullAsync(DotStuffer.MaxOutput(length), cancellationToken);
                _outLength += stuffer.Stuff(prefix.Span.Slice(offset, length), _out.AsSpan(_outLength));
            }
            int read;
            // A spool file is in the page cache: synchronous reads skip a thread-pool hop per chunk.
            while ((read = content.Read(chunk, 0, ChunkSize)) > 0)
            {
                await FlushIfFullAsync(DotStuffer.MaxOutput(read), cancellationToken);
                _outLength += stuffer.Stuff(chunk.AsSpan(0, read), _out.AsSpan(_outLength));
            }
            await FlushIfFullAsync(8, cancellationToken);
            _outLength += stuffer.Finish(_out.AsSpan(_outLength));
            await FlushAsync(cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>Ends a failed transaction so the connection can carry the next one; the outcome is already known, so a failure here only retires the connection.</summary>
    async Task ResetAsync(CancellationToken cancellationToken)
    {
        if (_closing)
            return;
        try
        {
            var reply = await CommandAsync("RSET\r\n", cancellationToken);
            if (reply.Code != 250)
                _broken = true;
        }
        catch (Exception ex) when (ex is IOException or SocketException or RemoteProtocolException or TimeoutException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            _broken = true;
        }
    }

    /// <summary>Says goodbye; a server that does not answer is simply left.</summary>
    public async Task QuitAsync(CancellationToken cancellationToken)
    {
        if (!IsUsable)
            return;
        try
        {
            await CommandAsync("QUIT\r\n", cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or RemoteProtocolException or TimeoutException)
        {
        }
        _broken = true;
    }

    /// <summary>Sends one command and reads its reply; <paramref name="lines"/>, when given, gets each line's text (EHLO's keywords).</summary>
    async Task<RemoteReply> CommandAsync(string command, CancellationToken cancellationToken, List<string>? lines = null)
    {
        Queue(command);
        await FlushAsync(cancellationToken);
        return await ReadReplyAsync(_options.CommandTimeout, cancellationToken, lines);
    }

    void Queue(string command)
    {
        var length = Encoding.UTF8.GetByteCount(command);
        if (_outLength + length > _out.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(_outLength + length);
            _out.AsSpan(0, _outLength).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_out);
            _out = bigger;
        }
        _outLength += Encoding.UTF8.GetBytes(command, _out.AsSpan(_outLength));
    }

    async ValueTask FlushIfFullAsync(int room, CancellationToken cancellationToken)
    {
        if (_outLength + room > _out.Length)
            await FlushAsync(cancellationToken);
    }

    async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_outLength == 0)
            return;
        try
        {
            using var timeout = Timeout(_options.CommandTimeout, cancellationToken);
            await _stream.WriteAsync(_out.AsMemory(0, _outLength), timeout.Token);
            _outLength = 0;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _broken = true;
            throw new TimeoutException($"The server took no data for {Seconds(_options.CommandTimeout)}");
        }
        catch
        {
            _broken = true;
            throw;
        }
    }

    /// <summary>
    /// Reads one reply, all its lines; the text of the lines is joined by a space. <paramref name="wait"/>
    /// bounds the whole reply, not each read, so a server that drips a byte at a time cannot hold the
    /// connection past it; a reply is also bounded in line length and line count.
    /// </summary>
    async Task<RemoteReply> ReadReplyAsync(TimeSpan wait, CancellationToken cancellationToken, List<string>? lines = null, string what = "its reply")
    {
        using var timeout = Timeout(wait, cancellationToken);
        try
        {
            var text = new StringBuilder();
            var code = 0;
            for (var count = 1; ; count++)
            {
                if (count > MaxReplyLines)
                    throw new RemoteProtocolException($"The server's reply ran past {MaxReplyLines} lines");
                var line = await ReadLineAsync(timeout.Token);
                if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var lineCode) || lineCode < 200
                    || (line.Length > 3 && line[3] is not (' ' or '-')))
                    throw new RemoteProtocolException($"The server sent a malformed reply: {Printable(line)}");
                code = lineCode;
                var body = line.Length > 4 ? line[4..] : "";
                lines?.Add(body);
                if (body.Length > 0)
                {
                    if (text.Length > 0)
                        text.Append(' ');
                    text.Append(body);
                }
                if (line.Length == 3 || line[3] == ' ')
                {
                    // 421 means the server is closing the connection (RFC 5321 §3.8), whatever the command was.
                    if (code == 421)
                        _closing = _broken = true;
                    return new RemoteReply(code, text.ToString());
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _broken = true;
            throw new TimeoutException($"The server did not send {what} within {Seconds(wait)}");
        }
        catch
        {
            _broken = true;
            throw;
        }
    }

    async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var buffered = _in.AsSpan(_inStart, _inEnd - _inStart);
            var lf = buffered.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var line = buffered[..lf];
                if (line.Length > 0 && line[^1] == '\r')
                    line = line[..^1];
                _inStart += lf + 1;
                return Encoding.UTF8.GetString(line);
            }
            if (buffered.Length >= MaxReplyLine)
                throw new RemoteProtocolException($"A line of the server's reply ran past {MaxReplyLine} bytes");
            if (_inStart > 0)
            {
                buffered.CopyTo(_in);
                _inEnd = buffered.Length;
                _inStart = 0;
            }
            var read = await _stream.ReadAsync(_in.AsMemory(_inEnd), cancellationToken);
            if (read == 0)
                throw new IOException("The server closed the connection");
            _inEnd += read;
        }
    }

    static string Seconds(TimeSpan wait) => wait.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture) + (wait == TimeSpan.FromSeconds(1) ? " second" : " seconds");

    /// <summary>A hostile reply quoted in the send log: at most 80 characters, control characters shown as '?'.</summary>
    static string Printable(string line)
    {
        var shown = line.Length > 80 ? line[..80] + "…" : line;
        return string.Create(shown.Length, shown, (span, text) =>
        {
            for (var i = 0; i < text.Length; i++)
                span[i] = char.IsControl(text[i]) ? '?' : text[i];
        });
    }

    static CancellationTokenSource Timeout(TimeSpan wait, CancellationToken cancellationToken)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        source.CancelAfter(wait);
        return source;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        _broken = true;
        await _stream.DisposeAsync();
        ArrayPool<byte>.Shared.Return(_in);
        ArrayPool<byte>.Shared.Return(_out);
    }
}
