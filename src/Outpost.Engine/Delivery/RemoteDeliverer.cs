using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Logging;
using MimeKit;
using Outpost.Engine.Configuration;
using Outpost.Engine.Queue;
using Outpost.Engine.Signing;
using Outpost.Engine.Spool;

namespace Outpost.Engine.Delivery;

/// <summary>
/// Carries messages for one destination domain to its MX hosts over SMTP: MX order, opportunistic
/// STARTTLS, one connection reused for every message waiting for that domain. Each recipient gets its
/// own result, recorded by the <see cref="DeliveryRecorder"/>.
/// Security stance: TLS is taken whenever offered (certificates are not checked, as with any MTA that
/// delivers opportunistically); the spool bytes go out as they are, with DKIM signatures on top.
/// </summary>
public sealed class RemoteDeliverer(OutpostOptions options, IMxResolver resolver, DeliveryRecorder recorder, MessageSigner signer, TimeProvider time, ILogger<RemoteDeliverer> logger)
{
    DeliveryOptions Delivery => options.Delivery;

    /// <summary>Delivers work for <paramref name="domain"/> until <paramref name="next"/> has none left.</summary>
    public async Task RunAsync(string domain, Func<DeliveryWork?> next, CancellationToken cancellationToken)
    {
        var resolution = await resolver.ResolveAsync(domain, cancellationToken);
        if (resolution.Status != MxResolutionStatus.Ok)
        {
            var (code, reply) = resolution.Failure;
            var kind = code >= 500 ? AttemptKind.Permanent : AttemptKind.Temporary;
            while (next() is { } work)
                await RecordAllAsync(work, kind, new DeliveryAttempt(time.GetUtcNow(), "direct", null, null, code, reply, null, TimeSpan.Zero));
            return;
        }

        Connection? connection = null;
        try
        {
            while (next() is { } work)
            {
                connection ??= await ConnectAsync(resolution.Hosts, cancellationToken);
                if (connection.Client is null)
                {
                    // No host took the connection: everything waiting for this domain waits for the next try.
                    await RecordAllAsync(work, AttemptKind.Temporary, new DeliveryAttempt(time.GetUtcNow(), "direct", connection.Host, connection.Address, null, connection.Error!, null, TimeSpan.Zero));
                    continue;
                }
                if (!await SendAsync(connection, work, cancellationToken))
                {
                    connection.Dispose();
                    connection = null;
                }
            }
        }
        finally
        {
            if (connection?.Client is { IsConnected: true } client)
            {
                try
                {
                    using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    await client.DisconnectAsync(quit: true, quit.Token);
                }
                catch (Exception ex) when (ex is IOException or SmtpProtocolException or OperationCanceledException or SocketException)
                {
                }
            }
            connection?.Dispose();
        }
    }

    sealed class Connection(OutboundSmtpClient? client, string? host, string? address, string? error) : IDisposable
    {
        public OutboundSmtpClient? Client { get; } = client;
        public string? Host { get; } = host;
        public string? Address { get; } = address;
        public string? Error { get; } = error;
        public void Dispose() => Client?.Dispose();
    }

    async Task<Connection> ConnectAsync(IReadOnlyList<MxHost> hosts, CancellationToken cancellationToken)
    {
        string error = "451 4.4.1 No mail server of the recipient's domain could be reached";
        string? lastHost = null;
        string? lastAddress = null;
        foreach (var host in hosts)
        {
            foreach (var address in host.Addresses)
            {
                lastHost = host.Name;
                lastAddress = address.ToString();
                var client = new OutboundSmtpClient
                {
                    LocalDomain = Delivery.HeloName ?? options.Hostname,
                    Timeout = (int)Delivery.CommandTimeout.TotalMilliseconds,
                    CheckCertificateRevocation = false,
                    ServerCertificateValidationCallback = (_, _, _, _) => true,
                };
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    connect.CancelAfter(Delivery.ConnectTimeout);
                    await socket.ConnectAsync(new IPEndPoint(address, Delivery.MxPort), connect.Token);
                    await client.ConnectAsync(socket, host.Name, Delivery.MxPort, SecureSocketOptions.StartTlsWhenAvailable, connect.Token);
                    return new Connection(client, host.Name, address.ToString(), null);
                }
                catch (SmtpCommandException ex)
                {
                    error = $"{(int)ex.StatusCode} {ex.Message}";
                    logger.LogInformation("{Host} [{Address}] refused the connection: {Error}", host.Name, address, error);
                }
                catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or SmtpProtocolException or SslHandshakeException)
                {
                    error = $"451 4.4.1 Cannot connect to {host.Name} [{address}]: {ex.Message}";
                    logger.LogInformation("Cannot connect to {Host} [{Address}]: {Error}", host.Name, address, ex.Message);
                }
                client.Dispose();
                socket.Dispose();
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        return new Connection(null, lastHost, lastAddress, error);
    }

    /// <summary>Sends one message; false when the connection can no longer be used.</summary>
    async Task<bool> SendAsync(Connection connection, DeliveryWork work, CancellationToken cancellationToken)
    {
        var client = connection.Client!;
        var started = Stopwatch.GetTimestamp();
        var at = time.GetUtcNow();
        var tls = client.IsSecure ? ProtocolName(client.SslProtocol) : null;
        DeliveryAttempt Attempt(int? code, string reply) =>
            new(at, "direct", connection.Host, connection.Address, code, reply, tls, Stopwatch.GetElapsedTime(started));

        client.Refused.Clear();
        var sender = work.Message.Sender.Length == 0 ? new MailboxAddress("", "") : MailboxAddress.Parse(work.Message.Sender);
        var recipients = work.Recipients.Select(r => MailboxAddress.Parse(r.Address)).ToList();
        var results = new List<AttemptResult>(work.Recipients.Count);
        var usable = true;
        try
        {
            await using var content = MessageSpool.OpenRead(work.Message.SpoolPath);
            using var message = await MimeMessage.LoadAsync(content, persistent: true, cancellationToken);
            // Re-encode before signing, never after: a server without 8BITMIME gets 7-bit parts, and the
            // signature covers exactly what it receives.
            if (!client.Capabilities.HasFlag(SmtpCapabilities.EightBitMime))
                message.Prepare(EncodingConstraint.SevenBit);
            if (work.Message.Sender.Length > 0)
                await signer.SignAsync(message, work.Message.Sender[(work.Message.Sender.IndexOf('@') + 1)..], cancellationToken);
            var response = await client.SendAsync(message, sender, recipients, cancellationToken);
            foreach (var recipient in work.Recipients)
                results.Add(client.Refused.TryGetValue(recipient.Address, out var refused)
                    ? FromResponse(recipient, (int)refused.StatusCode, refused.Response)
                    : new AttemptResult(recipient, AttemptKind.Delivered, Attempt(250, $"250 {response}")));
        }
        catch (SmtpCommandException ex)
        {
            foreach (var recipient in work.Recipients)
                results.Add(client.Refused.TryGetValue(recipient.Address, out var refused)
                    ? FromResponse(recipient, (int)refused.StatusCode, refused.Response)
                    : FromResponse(recipient, (int)ex.StatusCode, ex.Message));
        }
        catch (Exception ex) when (ex is SmtpProtocolException or IOException or SocketException or OperationCanceledException or ServiceNotConnectedException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            usable = false;
            foreach (var recipient in work.Recipients)
                results.Add(new AttemptResult(recipient, AttemptKind.Temporary, Attempt(null, $"451 4.4.2 The connection to {connection.Host} broke: {ex.Message}")));
        }
        catch (Exception ex) when (ex is FormatException or ParseException)
        {
            foreach (var recipient in work.Recipients)
                results.Add(new AttemptResult(recipient, AttemptKind.Permanent, Attempt(554, $"554 5.6.0 The message cannot be read for sending: {ex.Message}")));
        }
        await recorder.RecordAsync(work.Message, results, cancellationToken);
        return usable && client.IsConnected;

        AttemptResult FromResponse(QueuedRecipient recipient, int code, string text)
        {
            var reply = $"{code} {text.Replace("\r", " ").Replace("\n", " ").Trim()}";
            var kind = code >= 500 ? AttemptKind.Permanent : code >= 400 ? AttemptKind.Temporary : AttemptKind.Delivered;
            return new AttemptResult(recipient, kind, Attempt(code, reply));
        }
    }

    async Task RecordAllAsync(DeliveryWork work, AttemptKind kind, DeliveryAttempt attempt) =>
        await recorder.RecordAsync(work.Message, work.Recipients.Select(r => new AttemptResult(r, kind, attempt)).ToList());

    static string ProtocolName(System.Security.Authentication.SslProtocols protocol) => protocol switch
    {
        System.Security.Authentication.SslProtocols.Tls13 => "TLSv1.3",
        System.Security.Authentication.SslProtocols.Tls12 => "TLSv1.2",
        var other => other.ToString(),
    };
}
