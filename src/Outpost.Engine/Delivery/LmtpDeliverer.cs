using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Outpost.Engine.Configuration;
using Outpost.Engine.Queue;
using Outpost.Engine.Spool;
using Outpost.Smtp.Client;
using RemoteReply = Outpost.Smtp.Client.RemoteReply;

namespace Outpost.Engine.Delivery;

/// <summary>
/// Local delivery over LMTP (RFC 2033) to the mailbox server (Dovecot's LMTP service, say): one transaction
/// for the recipients of one piece of work, and each recipient's own reply honoured — 2xx delivered,
/// 4xx deferred, 5xx bounced, that recipient alone. Connections are kept between messages (at most one idle
/// per local worker) and checked before reuse. Talks to the mailbox server through the SMTP client in LMTP
/// mode, and to the spool for the bytes. Security stance: meant for a socket or a private network, so no TLS
/// and no AUTH; every wait bounded by the delivery timeouts; the outcome goes back to the caller, which records
/// it through the same recorder as Maildir delivery.
/// </summary>
public sealed class LmtpDeliverer : IAsyncDisposable
{
    readonly EndPoint _endpoint;
    readonly string _name;
    readonly SmtpClientOptions _client;
    readonly TimeSpan _connectTimeout;
    readonly TimeProvider _time;
    readonly ConcurrentQueue<SmtpClientConnection> _idle = new();
    readonly int _maxIdle;
    readonly IMessageBodyStore _bodies;

    public LmtpDeliverer(OutpostOptions options, IMessageBodyStore bodies, TimeProvider time)
    {
        _bodies = bodies;
        var local = options.Delivery.Local;
        if (!LmtpEndpoint.TryParse(local.Lmtp, out _endpoint))
            throw new ArgumentException($"Delivery:Local:Lmtp is '{local.Lmtp}'; it must be an address and port or a Unix socket's path.");
        _name = local.Lmtp.Trim();
        _time = time;
        _connectTimeout = options.Delivery.ConnectTimeout;
        _maxIdle = Math.Max(1, options.Delivery.LocalWorkers);
        _client = new SmtpClientOptions
        {
            HeloName = options.Delivery.HeloName ?? options.Hostname,
            Tls = ClientTls.None,
            Lmtp = true,
            CommandTimeout = options.Delivery.CommandTimeout,
            DataTimeout = options.Delivery.DataTimeout,
        };
    }

    /// <summary>Delivers <paramref name="message"/> to <paramref name="recipients"/>; one result per recipient, in their order.</summary>
    public async Task<IReadOnlyList<AttemptResult>> DeliverAsync(QueuedMessage message, IReadOnlyList<QueuedRecipient> recipients, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var at = _time.GetUtcNow();
        DeliveryAttempt Attempt(RemoteReply reply) =>
            new(at, "local", "lmtp", _name, reply.Code, reply.ToString(), null, Stopwatch.GetElapsedTime(started));
        SmtpClientConnection? connection = null;
        try
        {
            connection = TakeIdle() ?? await OpenAsync(cancellationToken);
            TransactionResult result;
            // The body from the store every node reads (the spool directory, or PostgreSQL's chunks).
            await using (var content = await _bodies.OpenReadAsync(message.Id, cancellationToken))
                result = await connection.SendAsync(message.Sender, recipients.Select(r => r.Address).ToList(), ReadOnlyMemory<byte>.Empty, content, eightBit: true, cancellationToken);
            if (connection.IsUsable && _idle.Count < _maxIdle)
            {
                _idle.Enqueue(connection);
                connection = null;
            }
            return recipients.Select((r, i) =>
            {
                var reply = result.For(i);
                var kind = reply.IsPositive ? AttemptKind.Delivered : reply.IsTransient ? AttemptKind.Temporary : AttemptKind.Permanent;
                return new AttemptResult(r, kind, Attempt(reply));
            }).ToList();
        }
        catch (Exception ex) when (ex is IOException or SocketException or TimeoutException or RemoteProtocolException or RemoteRefusalException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // No recipient's reply came, so none was delivered: each waits for the next try, as after a lost MX.
            var reply = new RemoteReply(451, $"4.4.1 The mailbox server {_name} could not take the message: {ex.Message}");
            return recipients.Select(r => new AttemptResult(r, AttemptKind.Temporary, Attempt(reply))).ToList();
        }
        finally
        {
            if (connection is not null)
                await connection.DisposeAsync();
        }
    }

    SmtpClientConnection? TakeIdle()
    {
        while (_idle.TryDequeue(out var connection))
        {
            if (connection.IsIdleUsable)
                return connection;
            _ = connection.DisposeAsync().AsTask();
        }
        return null;
    }

    async Task<SmtpClientConnection> OpenAsync(CancellationToken cancellationToken)
    {
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connect.CancelAfter(_connectTimeout);
        var socket = LmtpEndpoint.NewSocket(_endpoint);
        try
        {
            await socket.ConnectAsync(_endpoint, connect.Token);
            return await SmtpClientConnection.OpenAsync(socket, "lmtp", _client, connect.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"The connection was not ready within {_connectTimeout.TotalSeconds:0.#} seconds");
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        while (_idle.TryDequeue(out var connection))
        {
            await connection.QuitAsync(CancellationToken.None);
            await connection.DisposeAsync();
        }
    }
}
