using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using MimeKit;
using Outpost.Engine.Bounces;
using Outpost.Engine.Configuration;
using Outpost.Engine.Dns;
using Outpost.Engine.Queue;
using Outpost.Engine.Routing.Channels;
using Outpost.Engine.Signing;
using Outpost.Smtp.Client;

namespace Outpost.Engine.Delivery;

/// <summary>
/// Carries messages for one destination domain out through the channels, in the order the
/// <see cref="ChannelSelector"/> gives (M2): a direct channel connects to the domain's MX hosts from its
/// own source address, a relay channel to its smart host. When a channel cannot connect, fails TLS, gets a
/// temporary failure or a refusal that blames the sending path, the recipients still open go to the next
/// channel at once; a refusal about the recipient or the content ends there (it bounces). Every try is an
/// attempt in the send log, naming its channel. Connections are reused for every message waiting for the
/// domain.
/// Security stance: to MX hosts TLS is opportunistic (certificates are not checked, as with any MTA that
/// delivers opportunistically); to a relay, TLS is required and its certificate checked unless the channel
/// says otherwise; relay passwords are never logged. The spool bytes go out as they are, DKIM-signed.
/// </summary>
public sealed class RemoteDeliverer(OutpostOptions options, IMxResolver resolver, DeliveryRecorder recorder, MessageSigner signer,
    ChannelSelector selector, ChannelHealthTracker health, TimeProvider time, ILogger<RemoteDeliverer> logger)
{
    readonly ConcurrentDictionary<string, SemaphoreSlim> _channelSlots = new();
    readonly BounceClassifier _classifier = BounceClassifier.Default;

    DeliveryOptions Delivery => options.Delivery;

    sealed class Connection(Channel channel, SmtpClientConnection? client, string? host, string? address, string? error, SemaphoreSlim? slot) : IAsyncDisposable
    {
        public Channel Channel { get; } = channel;
        public SmtpClientConnection? Client { get; } = client;
        public string? Host { get; } = host;
        public string? Address { get; } = address;
        public string? Error { get; } = error;

        public async ValueTask DisposeAsync()
        {
            if (Client is not null)
                await Client.DisposeAsync();
            slot?.Release();
        }
    }

    /// <summary>
    /// How many messages a connection may send before the outcomes of earlier ones are durable. The
    /// connection goes on with the next message while the last one's outcome is committed (in a group
    /// with other connections'), instead of waiting for the disk each time; a spool file still leaves only
    /// after its outcome is stored.
    /// </summary>
    const int MaxRecordingAhead = 8;

    /// <summary>A connection that stays busy for long looks up the destination's MX hosts again after this long.</summary>
    static readonly TimeSpan ResolutionLifetime = TimeSpan.FromMinutes(1);

    /// <summary>Delivers work for <paramref name="domain"/> until <paramref name="next"/> has none left (returns null).</summary>
    public async Task RunAsync(string domain, Func<ValueTask<DeliveryWork?>> next, CancellationToken cancellationToken)
    {
        MxResolution? resolution = null;
        var resolvedAt = DateTimeOffset.MinValue;
        var connections = new Dictionary<string, Connection>();
        var recording = new List<Task>();
        async Task RecordAsync(QueuedMessage message, IReadOnlyList<AttemptResult> final, IReadOnlyList<(QueuedRecipient, DeliveryAttempt)>? tries = null)
        {
            recording.RemoveAll(t => t.IsCompletedSuccessfully);
            recording.Add(recorder.RecordAsync(message, final, tries, cancellationToken));
            while (recording.Count > MaxRecordingAhead)
            {
                await recording[0];
                recording.RemoveAt(0);
            }
        }
        try
        {
            while (await next() is { } work)
            {
                var senderDomain = work.Message.Sender.Length == 0 ? null : work.Message.Sender[(work.Message.Sender.IndexOf('@') + 1)..];
                var order = await selector.OrderAsync(domain, senderDomain);
                if (order.Any(c => c.Channel.Kind == ChannelKind.Direct) && (resolution is null || time.GetUtcNow() - resolvedAt > ResolutionLifetime))
                {
                    resolution = await resolver.ResolveAsync(domain, cancellationToken);
                    resolvedAt = time.GetUtcNow();
                }
                if (resolution is { Status: not MxResolutionStatus.Ok and not MxResolutionStatus.TemporaryFailure })
                {
                    var (code, reply) = resolution.Failure;
                    var attempt = new DeliveryAttempt(time.GetUtcNow(), null, null, null, code, reply, null, TimeSpan.Zero);
                    await RecordAsync(work.Message, work.Recipients.Select(r => new AttemptResult(r, AttemptKind.Permanent, attempt)).ToList());
                    continue;
                }
                var (final, tries) = await DeliverThroughChannelsAsync(domain, work, order, resolution, connections, cancellationToken);
                await RecordAsync(work.Message, final, tries);
            }
        }
        finally
        {
            foreach (var connection in connections.Values)
                await CloseAsync(connection);
            // The connection's work is done only when every outcome is stored.
            await Task.WhenAll(recording);
        }
    }

    /// <summary>Tries the channels in order; returns each recipient's final result of this delivery, and the tries it replaced.</summary>
    async Task<(List<AttemptResult> Final, List<(QueuedRecipient Recipient, DeliveryAttempt Attempt)> Tries)> DeliverThroughChannelsAsync(string domain, DeliveryWork work, IReadOnlyList<ChannelChoice> order, MxResolution? resolution,
        Dictionary<string, Connection> connections, CancellationToken cancellationToken)
    {
        var pending = work.Recipients.ToList();
        var final = new List<AttemptResult>();
        var tries = new List<(QueuedRecipient Recipient, DeliveryAttempt Attempt)>();
        var last = new Dictionary<long, DeliveryAttempt>();
        // A recipient's earlier try becomes an attempt of its own when a later one replaces it.
        void Tried(QueuedRecipient recipient, DeliveryAttempt attempt)
        {
            if (last.TryGetValue(recipient.Id, out var earlier))
                tries.Add((recipient, earlier));
            last[recipient.Id] = attempt;
        }

        foreach (var choice in order)
        {
            if (pending.Count == 0)
                break;
            var channel = choice.Channel;
            if (!await health.AvailableAsync(channel.Name, domain))
                continue;

            if (connections.TryGetValue(channel.Name, out var open) && !open.Client!.IsIdleUsable)
            {
                // Closed or spoken to by the server while it waited for this message: dropped (no QUIT into
                // a closed or talking connection) and a fresh one opened.
                connections.Remove(channel.Name);
                await open.DisposeAsync();
            }
            if (!connections.TryGetValue(channel.Name, out var connection))
            {
                connection = await ConnectAsync(channel, domain, resolution, cancellationToken);
                if (connection.Client is null)
                {
                    var failed = new DeliveryAttempt(time.GetUtcNow(), channel.Name, connection.Host, connection.Address, null, connection.Error!, null, TimeSpan.Zero);
                    foreach (var r in pending)
                        Tried(r, failed);
                    await connection.DisposeAsync();
                    continue;
                }
                connections[channel.Name] = connection;
            }

            var (results, usable, recipientLevel) = await SendAsync(connection, work.Message, pending, cancellationToken);
            if (!usable)
            {
                connections.Remove(channel.Name);
                await connection.DisposeAsync();
            }
            var failedOver = new List<QueuedRecipient>();
            foreach (var (recipient, cls, attempt) in results)
            {
                Tried(recipient, attempt);
                if (cls is BounceClass.Temporary or BounceClass.PermanentPath)
                {
                    failedOver.Add(recipient);
                }
                else
                {
                    last.Remove(recipient.Id);
                    final.Add(new AttemptResult(recipient, cls == BounceClass.Delivered ? AttemptKind.Delivered : AttemptKind.Permanent, attempt));
                }
            }
            // A temporary refusal at RCPT (greylisting, a full mailbox) is about those recipients: it fails
            // over, but must not open the destination's circuit for everyone else's mail.
            var blamesPath = results.Any(r => r.Class == BounceClass.PermanentPath);
            if (failedOver.Count == results.Count && results.Count > 0 && (blamesPath || !recipientLevel))
                await health.FailureAsync(channel.Name, domain, results[0].Attempt.Reply, immediately: blamesPath);
            else if (failedOver.Count < results.Count)
                await health.SuccessAsync(channel.Name, domain);
            pending = failedOver;
        }

        // Whatever no channel could deliver waits for the next try; its last attempt is the one that counts.
        foreach (var recipient in pending)
        {
            var attempt = last.GetValueOrDefault(recipient.Id)
                ?? new DeliveryAttempt(time.GetUtcNow(), null, null, null, 451, "451 4.4.0 Every channel is cooling down after failures; the message waits for the next try", null, TimeSpan.Zero);
            final.Add(new AttemptResult(recipient, AttemptKind.Temporary, attempt));
        }
        return (final, tries);
    }

    async Task<Connection> ConnectAsync(Channel channel, string domain, MxResolution? resolution, CancellationToken cancellationToken)
    {
        SemaphoreSlim? slot = null;
        if (channel.MaxConnections > 0)
        {
            slot = _channelSlots.GetOrAdd(channel.Name, _ => new SemaphoreSlim(channel.MaxConnections));
            await slot.WaitAsync(cancellationToken);
        }

        var targets = new List<(string Host, IPAddress Address, int Port)>();
        if (channel.Kind == ChannelKind.Relay)
        {
            var addresses = IPAddress.TryParse(channel.RelayHost, out var literal) ? [literal] : await System.Net.Dns.GetHostAddressesAsync(channel.RelayHost!, cancellationToken);
            targets.AddRange(addresses.Select(a => (channel.RelayHost!, a, channel.RelayPort)));
        }
        else if (resolution is { Status: MxResolutionStatus.Ok })
        {
            targets.AddRange(resolution.Hosts.SelectMany(h => h.Addresses.Select(a => (h.Name, a, Delivery.MxPort))));
        }
        else
        {
            slot?.Release();
            var reason = resolution?.Failure.Reply ?? "451 4.4.3 The recipient's mail server could not be found";
            return new Connection(channel, null, null, null, reason, null);
        }

        var error = "451 4.4.1 No mail server of the recipient's domain could be reached";
        string? lastHost = null, lastAddress = null;
        foreach (var (host, address, port) in targets)
        {
            lastHost = host;
            lastAddress = address.ToString();
            var clientOptions = new SmtpClientOptions
            {
                HeloName = channel.HeloName ?? Delivery.HeloName ?? options.Hostname,
                Tls = channel.Kind == ChannelKind.Direct ? ClientTls.Opportunistic
                    : channel.RelayTls == RelayTls.Implicit ? ClientTls.Implicit : ClientTls.StartTlsRequired,
                // To MX hosts TLS is opportunistic and certificates are not checked (no MTA could, without DANE or MTA-STS).
                CertificateValidation = channel.Kind == ChannelKind.Direct || !channel.VerifyCertificate ? (_, _, _, _) => true : null,
                CommandTimeout = Delivery.CommandTimeout,
            };
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                if (channel.BindAddress is { } bind)
                {
                    try
                    {
                        socket.Bind(new IPEndPoint(IPAddress.Parse(bind), 0));
                    }
                    catch (SocketException ex)
                    {
                        // The channel itself is broken, whatever the destination: skip it for a cool-down.
                        var reason = $"451 4.4.0 Channel {channel.Name} cannot use its address {bind}: {ex.Message}";
                        await health.FailureAsync(channel.Name, ChannelHealthTracker.Everywhere, reason, immediately: true);
                        socket.Dispose();
                        slot?.Release();
                        return new Connection(channel, null, null, null, reason, null);
                    }
                }
                using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                connect.CancelAfter(Delivery.ConnectTimeout);
                await socket.ConnectAsync(new IPEndPoint(address, port), connect.Token);
                var client = await SmtpClientConnection.OpenAsync(socket, host, clientOptions, connect.Token);
                if (channel.Kind == ChannelKind.Relay && channel.Username is not null)
                {
                    try
                    {
                        await client.AuthenticateAsync(channel.Username, channel.Password ?? "", connect.Token);
                    }
                    catch
                    {
                        await client.DisposeAsync();
                        throw;
                    }
                }
                return new Connection(channel, client, host, address.ToString(), null, slot);
            }
            catch (RemoteRefusalException ex) when (ex.Stage == SmtpClientConnection.AuthStage && !ex.Reply.IsTransient)
            {
                error = $"535 5.7.8 The relay {host} refused the channel's credentials: {OneLine(ex.Reply.ToString())}";
                logger.LogWarning("Relay {Host} refused the credentials of channel {Channel}", host, channel.Name);
            }
            catch (RemoteRefusalException ex)
            {
                error = OneLine(ex.Reply.ToString());
                logger.LogInformation("{Host} [{Address}] refused channel {Channel} at {Stage}: {Error}", host, address, channel.Name, ex.Stage, error);
            }
            catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or RemoteProtocolException or System.Security.Authentication.AuthenticationException)
            {
                cancellationToken.ThrowIfCancellationRequested();
                error = $"451 4.4.1 Cannot connect to {host} [{address}] through channel {channel.Name}: {OneLine(ex.Message)}";
                logger.LogInformation("Channel {Channel} cannot connect to {Host} [{Address}]: {Error}", channel.Name, host, address, ex.Message);
            }
            socket.Dispose();
        }
        var code = int.TryParse(error.AsSpan(0, 3), out var c) ? c : 451;
        await health.FailureAsync(channel.Name, domain, error, immediately: _classifier.Classify(code, error) == BounceClass.PermanentPath);
        slot?.Release();
        return new Connection(channel, null, lastHost, lastAddress, error, null);
    }

    /// <summary>Sends one message to some recipients over an open connection; false when the connection can no longer be used.</summary>
    /// <returns>
    /// Each recipient's result; whether the connection can carry another message; and whether every
    /// refusal came at RCPT (about those recipients, not about the path).
    /// </returns>
    async Task<(IReadOnlyList<(QueuedRecipient Recipient, BounceClass Class, DeliveryAttempt Attempt)> Results, bool Usable, bool RecipientLevel)> SendAsync(
        Connection connection, QueuedMessage message, IReadOnlyList<QueuedRecipient> recipients, CancellationToken cancellationToken)
    {
        var client = connection.Client!;
        var started = Stopwatch.GetTimestamp();
        var at = time.GetUtcNow();
        var tls = client.IsSecure ? Outpost.Smtp.TlsNames.Of(client.SslProtocol) : null;
        DeliveryAttempt Attempt(int? code, string reply) =>
            new(at, connection.Channel.Name, connection.Host, connection.Address, code, reply, tls, Stopwatch.GetElapsedTime(started));

        var results = new List<(QueuedRecipient, BounceClass, DeliveryAttempt)>(recipients.Count);
        var recipientLevel = true;
        try
        {
            using var outgoing = await OutgoingMessage.PrepareAsync(message, client.Capabilities.HasFlag(RemoteCapabilities.EightBitMime), signer, cancellationToken);
            var result = await client.SendAsync(message.Sender, recipients.Select(r => r.Address).ToList(), outgoing.Signature, outgoing.Content,
                outgoing.EightBit, cancellationToken);
            for (var i = 0; i < recipients.Count; i++)
            {
                var reply = result.For(i);
                var text = OneLine(reply.ToString());
                var cls = reply.IsPositive ? BounceClass.Delivered : _classifier.Classify(reply.Code, text);
                results.Add((recipients[i], cls, Attempt(reply.Code, text)));
                if (!reply.IsPositive && !result.RefusedAtRecipient(i))
                    recipientLevel = false;
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            // Not the connection's fault: it stays open for the next message.
            recipientLevel = false;
            logger.LogError("The spool file of message {Id} is missing", message.Id);
            foreach (var recipient in recipients)
                results.Add((recipient, BounceClass.Temporary, Attempt(null, "451 4.3.0 The message's spool file cannot be read; it waits for the next try")));
        }
        catch (Exception ex) when (ex is RemoteProtocolException or IOException or SocketException or OperationCanceledException)
        {
            cancellationToken.ThrowIfCancellationRequested();
            recipientLevel = false;
            foreach (var recipient in recipients)
                results.Add((recipient, BounceClass.Temporary, Attempt(null, $"451 4.4.2 The connection to {connection.Host} broke: {OneLine(ex.Message)}")));
        }
        catch (Exception ex) when (ex is FormatException or ParseException)
        {
            recipientLevel = false;
            foreach (var recipient in recipients)
                results.Add((recipient, BounceClass.PermanentContent, Attempt(554, $"554 5.6.0 The message cannot be read for sending: {OneLine(ex.Message)}")));
        }
        return (results, client.IsUsable, recipientLevel);
    }

    static async Task CloseAsync(Connection connection)
    {
        if (connection.Client is { IsUsable: true } client)
        {
            try
            {
                using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await client.QuitAsync(quit.Token);
            }
            catch (Exception ex) when (ex is IOException or RemoteProtocolException or OperationCanceledException or SocketException)
            {
            }
        }
        await connection.DisposeAsync();
    }

    static string OneLine(string text) => text.Replace("\r", " ").Replace("\n", " ").Trim();
}
