using System.Buffers;
using System.IO.Pipelines;
using System.Net.Security;
using System.Security.Authentication;
using System.Text;

namespace Outpost.Smtp;

/// <summary>
/// The bytes of one SMTP connection: strict CRLF line reading over a <see cref="PipeReader"/>, DATA
/// streaming with dot-unstuffing, reply buffering for PIPELINING, and the switch to TLS.
/// Security stance: a line may end only in CRLF; a bare CR or LF anywhere ends the connection, which
/// closes every SMTP smuggling variant. Whatever plaintext was buffered when TLS starts is dropped.
/// </summary>
internal sealed class SmtpConnection : IAsyncDisposable
{
    static readonly UTF8Encoding StrictUtf8 = new(false, true);

    readonly Stream _network;
    Stream _stream;
    PipeReader _reader;
    readonly ArrayBufferWriter<byte> _out = new(1024);

    public SmtpConnection(Stream network)
    {
        _network = network;
        _stream = network;
        _reader = CreateReader(network);
    }

    public string? TlsProtocol { get; private set; }
    public string? TlsCipher { get; private set; }

    static PipeReader CreateReader(Stream stream) =>
        PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 16 * 1024, minimumReadSize: 4096, leaveOpen: true));

    public void Queue(SmtpReply reply)
    {
        var text = reply.ToWire();
        var span = _out.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _out.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_out.WrittenCount == 0)
            return;
        await _stream.WriteAsync(_out.WrittenMemory, cancellationToken);
        await _stream.FlushAsync(cancellationToken);
        _out.Clear();
    }

    /// <summary>True when the client already sent more (pipelined) input, so replies can wait to go out together.</summary>
    public bool HasBufferedInput()
    {
        if (!_reader.TryRead(out var result))
            return false;
        var has = !result.Buffer.IsEmpty;
        _reader.AdvanceTo(result.Buffer.Start, result.Buffer.Start);
        return has;
    }

    /// <summary>True when the input already buffered begins with <paramref name="bytes"/>; nothing is consumed.</summary>
    public bool BufferedStartsWith(ReadOnlySpan<byte> bytes)
    {
        if (!_reader.TryRead(out var result))
            return false;
        var buffer = result.Buffer;
        var starts = false;
        if (buffer.Length >= bytes.Length)
        {
            Span<byte> head = stackalloc byte[bytes.Length];
            buffer.Slice(0, bytes.Length).CopyTo(head);
            starts = head.SequenceEqual(bytes);
        }
        _reader.AdvanceTo(buffer.Start, buffer.Start);
        return starts;
    }

    /// <summary>
    /// Reads one line. <paramref name="started"/> is called once, when the first bytes of a line have arrived
    /// but not its end, so the caller can start the deadline for the whole line.
    /// </summary>
    public async ValueTask<(LineStatus Status, string Line)> ReadLineAsync(int maxLength, CancellationToken cancellationToken, Action? started = null)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            var lf = buffer.PositionOf((byte)'\n');
            if (lf is not null)
            {
                var line = buffer.Slice(0, lf.Value);
                var next = buffer.GetPosition(1, lf.Value);
                var status = CheckLine(line);
                if (status == LineStatus.Ok && line.Length + 1 > maxLength)
                    status = LineStatus.TooLong;
                string text = "";
                if (status == LineStatus.Ok)
                {
                    try
                    {
                        text = StrictUtf8.GetString(line.Slice(0, line.Length - 1));
                    }
                    catch (DecoderFallbackException)
                    {
                        status = LineStatus.BadEncoding;
                    }
                }
                _reader.AdvanceTo(next);
                return (status, text);
            }
            if (buffer.Length >= maxLength)
            {
                // Looked at before AdvanceTo: once advanced past, the buffer's segments go back to the pool
                // (the fuzzer found this reading released memory, which threw on a line split over reads).
                var tooLong = HasBareCr(buffer) ? LineStatus.BareLineEnding : LineStatus.TooLong;
                _reader.AdvanceTo(buffer.End);
                return (tooLong, "");
            }
            if (result.IsCompleted)
            {
                _reader.AdvanceTo(buffer.End);
                return (LineStatus.Closed, "");
            }
            if (!buffer.IsEmpty && started is not null)
            {
                started();
                started = null;
            }
            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>
    /// Streams one DATA section into <paramref name="sink"/> until the line ".". Past the size limit or
    /// a line longer than allowed it reads on to the end without storing, so nothing of the message is
    /// ever taken for a command.
    /// </summary>
    public async ValueTask<DataResult> ReadDataAsync(IMessageSink sink, long maxSize, int maxLine, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        long size = 0;
        var tooBig = false;
        var longLine = false;
        var inLongLine = false;
        var scratch = ArrayPool<byte>.Shared.Rent(maxLine);
        try
        {
            while (true)
            {
                idle.CancelAfter(idleTimeout);
                var result = await _reader.ReadAsync(idle.Token);
                var buffer = result.Buffer;
                while (buffer.PositionOf((byte)'\n') is { } lf)
                {
                    var line = buffer.Slice(0, lf);
                    var next = buffer.GetPosition(1, lf);
                    if (CheckLine(line) != LineStatus.Ok)
                    {
                        _reader.AdvanceTo(next);
                        return new DataResult(LineStatus.BareLineEnding, size);
                    }
                    buffer = buffer.Slice(next);
                    if (inLongLine)
                    {
                        inLongLine = false;
                        continue;
                    }
                    var content = line.Slice(0, line.Length - 1);
                    if (content.Length > maxLine - 2)
                    {
                        longLine = true;
                        continue;
                    }
                    ReadOnlySpan<byte> span;
                    if (content.IsSingleSegment)
                    {
                        span = content.FirstSpan;
                    }
                    else
                    {
                        content.CopyTo(scratch);
                        span = scratch.AsSpan(0, (int)content.Length);
                    }
                    if (span.Length == 1 && span[0] == (byte)'.')
                    {
                        _reader.AdvanceTo(next);
                        var status = tooBig ? LineStatus.TooBig : longLine ? LineStatus.TooLong : LineStatus.Ok;
                        return new DataResult(status, size);
                    }
                    if (span.Length > 0 && span[0] == (byte)'.')
                        span = span[1..];
                    size += span.Length + 2;
                    if (size > maxSize)
                        tooBig = true;
                    if (!tooBig && !longLine)
                        sink.WriteLine(span);
                }

                if (buffer.Length > maxLine)
                {
                    // A line past the limit with no end in sight: check it for smuggling, then drop it,
                    // keeping a trailing CR that may pair with the next LF.
                    var keep = buffer.Slice(buffer.Length - 1).FirstSpan[0] == (byte)'\r' ? 1 : 0;
                    var drop = buffer.Slice(0, buffer.Length - keep);
                    if (HasBareCr(drop, includeLast: true))
                    {
                        _reader.AdvanceTo(buffer.End);
                        return new DataResult(LineStatus.BareLineEnding, size);
                    }
                    longLine = true;
                    inLongLine = true;
                    buffer = buffer.Slice(drop.End);
                }
                if (result.IsCompleted)
                {
                    _reader.AdvanceTo(buffer.End);
                    return new DataResult(LineStatus.Closed, size);
                }
                _reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    /// <summary>A line (without its LF) is valid when it ends in CR and holds no other CR.</summary>
    static LineStatus CheckLine(ReadOnlySequence<byte> line)
    {
        if (line.IsEmpty)
            return LineStatus.BareLineEnding;
        var lastIsCr = line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r';
        if (!lastIsCr || HasBareCr(line.Slice(0, line.Length - 1), includeLast: true))
            return LineStatus.BareLineEnding;
        return LineStatus.Ok;
    }

    static bool HasBareCr(ReadOnlySequence<byte> bytes, bool includeLast = false)
    {
        var checkedBytes = includeLast || bytes.IsEmpty ? bytes : bytes.Slice(0, bytes.Length - 1);
        foreach (var segment in checkedBytes)
            if (segment.Span.IndexOf((byte)'\r') >= 0)
                return true;
        return false;
    }

    /// <summary>
    /// Starts TLS as the server. Anything the client pipelined after STARTTLS is thrown away
    /// (CVE-2011-0411): the old reader goes, and a new one reads only what arrives through TLS.
    /// </summary>
    public async Task StartTlsAsync(SslStreamCertificateContext certificate, CancellationToken cancellationToken)
    {
        await _reader.CompleteAsync();
        var ssl = new SslStream(_network, leaveInnerStreamOpen: true);
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificateContext = certificate,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateRequired = false,
        }, cancellationToken);
        _stream = ssl;
        _reader = CreateReader(ssl);
        TlsProtocol = TlsNames.Of(ssl.SslProtocol);
        TlsCipher = ssl.NegotiatedCipherSuite.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync();
        if (!ReferenceEquals(_stream, _network))
            await _stream.DisposeAsync();
        await _network.DisposeAsync();
    }
}
