using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Bounces;
using Outpost.Engine.Delivery.Tls;
using Outpost.Engine.Dns;
using Outpost.Engine.Metrics;
using Outpost.Engine.Queue;
using Outpost.Engine.Routing.Channels;
using Outpost.Engine.Signing;
using Outpost.Smtp.Client;

namespace Outpost.Engine.Delivery;

/// <summary>
/// The delivery run for one destination domain: carries its waiting messages out through the channels,
/// in the order the <see cref="ChannelSelector"/> gives (M2). When a channel cannot connect, fails TLS,
/// gets a temporary failure or a refusal that blames the sending path, the recipients still open go to
/// the next channel at once; a refusal about the recipient or the content ends there (it bounces). Every
/// try is an attempt in the send log, naming its channel. The run keeps one connection per channel
/// (opened by the <see cref="ChannelConnector"/>) for every message waiting for the domain; what each
/// failure counts as comes from the <see cref="FailureClassifier"/>; outcomes go to the
/// <see cref="DeliveryRecorder"/>.
/// The destination's TLS policy is decided with its MX hosts, before connecting (<see cref="TlsPolicyResolver"/>),
/// and every attempt names it and what came of it.
/// When a channel's circuit is open for the destination, one waiting recipient becomes the probe at the end
/// of the cool-down; when a probe gets through, <see cref="DestinationRelease"/> lets the rest go at once.
/// Talks to: the MX resolver, the TLS policy resolver, the channel selector and health tracker, the
/// connector, the signer, the recorder, the destination release; the metrics (outbound connections) and
/// the trace (a span per message, a child span per channel tried).
/// Security stance: the spool bytes go out as they are, DKIM-signed; TLS and credentials are the
/// connector's (to MX hosts as the TLS policy says, required and checked to relays, passwords never logged).
/// </summary>
public sealed class RemoteDeliverer(IMxResolver resolver, TlsPolicyResolver policies, DeliveryRecorder recorder, MessageSigner signer,
    Spool.IMessageBodyStore bodies, Spool.MessageSpool spool, ChannelSelector selector, ChannelHealthTracker health, ChannelConnector connector, DestinationRelease release,
    OutpostMetrics metrics, TimeProvider time, ILogger<RemoteDeliverer> logger)
{
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
        var policy = TlsPolicy.Opportunistic;
        var resolvedAt = DateTimeOffset.MinValue;
        var connections = new Dictionary<string, ChannelConnection>();
        var recording = new List<Task>();
        async Task RecordAsync(QueuedMessage message, IReadOnlyList<AttemptResult> final, IReadOnlyList<(QueuedRecipient, DeliveryAttempt)>? tries = null,
            long? generation = null)
        {
            recording.RemoveAll(t => t.IsCompletedSuccessfully);
            recording.Add(generation is { } g && final.Any(r => r.Kind == AttemptKind.Temporary)
                ? RecordThenCatchUpAsync(message, final, tries, g)
                : recorder.RecordAsync(message, final, tries, cancellationToken));
            while (recording.Count > MaxRecordingAhead)
            {
                await recording[0];
                recording.RemoveAt(0);
            }
        }
        // A deferral decided before a probe's release began, and stored after the release read the queue,
        // goes at once (see DestinationRelease): the release could not see it under this delivery's lease.
        async Task RecordThenCatchUpAsync(QueuedMessage message, IReadOnlyList<AttemptResult> final, IReadOnlyList<(QueuedRecipient, DeliveryAttempt)>? tries, long generation)
        {
            await recorder.RecordAsync(message, final, tries, cancellationToken);
            await release.CatchUpAsync(domain, message.Id, generation, cancellationToken);
        }
        try
        {
            while (await next() is { } work)
            {
                // One span per message and destination: a child of its submission when that handed it over here.
                using var span = OutpostTracing.StartUnder(OutpostTracing.Delivery, ActivityKind.Internal, work.Origin);
                span?.SetTag(OutpostTracing.QueueIdTag, work.Message.Id);
                span?.SetTag("outpost.route", "remote");
                span?.SetTag("outpost.destination", domain);
                span?.SetTag("outpost.recipients", work.Recipients.Count);
                var senderDomain = work.Message.Sender.Length == 0 ? null : work.Message.Sender[(work.Message.Sender.IndexOf('@') + 1)..];
                // Noted before any circuit is looked at: a release that begins after this may miss the deferral.
                var generation = release.Generation(domain);
                var order = await selector.OrderAsync(domain, senderDomain);
                if (order.Any(c => c.Channel.Kind == ChannelKind.Direct) && (resolution is null || time.GetUtcNow() - resolvedAt > ResolutionLifetime))
                {
                    resolution = await resolver.ResolveAsync(domain, cancellationToken);
                    resolvedAt = time.GetUtcNow();
                }
                // Per message, not per resolution: the resolver answers from memory, and an operator's change
                // to the table reaches a busy connection within seconds rather than a minute.
                if (order.Any(c => c.Channel.Kind == ChannelKind.Direct))
                    policy = await policies.ResolveAsync(domain, cancellationToken);
                if (FailureClassifier.OfResolution(resolution) is { } decided)
                {
                    var (code, reply) = decided;
                    var attempt = new DeliveryAttempt(time.GetUtcNow(), null, null, null, code, reply, null, TimeSpan.Zero);
                    await RecordAsync(work.Message, work.Recipients.Select(r => new AttemptResult(r, AttemptKind.Permanent, attempt)).ToList());
                    continue;
                }
                var (final, tries) = await DeliverThroughChannelsAsync(domain, work, order, resolution, policy, connections, cancellationToken);
                await RecordAsync(work.Message, final, tries, generation);
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
        TlsPolicy policy, Dictionary<string, ChannelConnection> connections, CancellationToken cancellationToken)
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
            // One span per channel tried (a failover makes another), under the message's delivery span.
            using var span = OutpostTracing.Source.StartActivity(OutpostTracing.Attempt, ActivityKind.Client);
            span?.SetTag(OutpostTracing.QueueIdTag, work.Message.Id);
            span?.SetTag("outpost.channel", channel.Name);
            span?.SetTag("outpost.channel.kind", channel.Kind == ChannelKind.Relay ? "relay" : "direct");

            if (connections.TryGetValue(channel.Name, out var open) && (!open.Client!.IsIdleUsable || open.OpenedUnder is { } opened && !opened.Permits(policy)))
            {
                // Closed or spoken to by the server while it waited for this message: dropped (no QUIT into
                // a closed or talking connection) and a fresh one opened. So is one opened under another TLS
                // policy (the operator's table changed, a new MTA-STS policy came): it may reach an MX host
                // the new policy excludes, or lack the TLS it now requires.
                connections.Remove(channel.Name);
                await open.DisposeAsync();
            }
            if (!connections.TryGetValue(channel.Name, out var connection))
            {
                connection = await connector.ConnectAsync(channel, domain, resolution, policy, cancellationToken);
                metrics.OutboundConnection(channel.Name, connection.Client is not null);
                if (connection.Client is null)
                {
                    span?.SetTag("outpost.result", "no-connection");
                    span?.SetStatus(ActivityStatusCode.Error, connection.Error);
                    var failed = new DeliveryAttempt(time.GetUtcNow(), channel.Name, connection.Host, connection.Address, null, connection.Error!, null, TimeSpan.Zero, connection.TlsPolicy);
                    foreach (var r in pending)
                        Tried(r, failed);
                    await connection.DisposeAsync();
                    continue;
                }
                connections[channel.Name] = connection;
            }

            span?.SetTag("server.address", connection.Host);
            var (results, usable, recipientLevel) = await SendAsync(connection, work.Message, pending, cancellationToken);
            if (span is not null && results.Count > 0)
            {
                span.SetTag("outpost.reply_code", results[0].Attempt.Code);
                span.SetTag("outpost.result", results.All(r => r.Class == BounceClass.Delivered) ? "delivered"
                    : results.Any(r => r.Class is BounceClass.Temporary or BounceClass.PermanentPath) ? "failed-over" : "permanent");
            }
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
            else if (failedOver.Count < results.Count && await health.SuccessAsync(channel.Name, domain))
                release.Start(domain, channel.Name); // the probe after a cool-down got through: what waits goes now
            pending = failedOver;
        }

        // Whatever no channel could deliver waits for the next try; its last attempt is the one that counts.
        // When every channel now cools down, the first of them becomes the probe at the cool-down's end.
        var probeAt = pending.Count > 0 ? await health.ProbeTimeAsync(order.Select(c => c.Channel.Name).ToList(), domain) : null;
        foreach (var recipient in pending)
        {
            var attempt = last.GetValueOrDefault(recipient.Id)
                ?? new DeliveryAttempt(time.GetUtcNow(), null, null, null, FailureClassifier.CoolingDown.Code, FailureClassifier.CoolingDown.Reply, null, TimeSpan.Zero);
            final.Add(new AttemptResult(recipient, AttemptKind.Temporary, attempt) { ProbeAt = probeAt });
            probeAt = null;
        }
        return (final, tries);
    }

    /// <summary>Sends one message to some recipients over an open connection; false when the connection can no longer be used.</summary>
    /// <returns>
    /// Each recipient's result; whether the connection can carry another message; and whether every
    /// refusal came at RCPT (about those recipients, not about the path).
    /// </returns>
    async Task<(IReadOnlyList<(QueuedRecipient Recipient, BounceClass Class, DeliveryAttempt Attempt)> Results, bool Usable, bool RecipientLevel)> SendAsync(
        ChannelConnection connection, QueuedMessage message, IReadOnlyList<QueuedRecipient> recipients, CancellationToken cancellationToken)
    {
        var client = connection.Client!;
        var started = Stopwatch.GetTimestamp();
        var at = time.GetUtcNow();
        var tls = client.IsSecure ? Outpost.Smtp.TlsNames.Of(client.SslProtocol) : null;
        DeliveryAttempt Attempt(int? code, string reply) =>
            new(at, connection.Channel.Name, connection.Host, connection.Address, code, reply, tls, Stopwatch.GetElapsedTime(started), connection.TlsPolicy);

        var results = new List<(QueuedRecipient, BounceClass, DeliveryAttempt)>(recipients.Count);
        var recipientLevel = true;
        try
        {
            using var outgoing = await OutgoingMessage.PrepareAsync(message, client.Capabilities.HasFlag(RemoteCapabilities.EightBitMime), signer, bodies, spool, cancellationToken);
            var result = await client.SendAsync(message.Sender, recipients.Select(r => r.Address).ToList(), outgoing.Signature, outgoing.Content,
                outgoing.EightBit, cancellationToken);
            for (var i = 0; i < recipients.Count; i++)
            {
                var reply = result.For(i);
                var (cls, text) = FailureClassifier.OfReply(reply);
                results.Add((recipients[i], cls, Attempt(reply.Code, text)));
                if (!reply.IsPositive && !result.RefusedAtRecipient(i))
                    recipientLevel = false;
            }
        }
        catch (Exception ex) when (FailureClassifier.OfSend(ex, connection.Host) is { } failure)
        {
            if (failure.ConnectionLost)
                cancellationToken.ThrowIfCancellationRequested();
            recipientLevel = false;
            if (ex is FileNotFoundException or DirectoryNotFoundException)
                logger.LogError("The spool file of message {Id} is missing", message.Id);
            foreach (var recipient in recipients)
                results.Add((recipient, failure.Class, Attempt(failure.Code, failure.Reply)));
        }
        return (results, client.IsUsable, recipientLevel);
    }

    static async Task CloseAsync(ChannelConnection connection)
    {
        if (connection.Client is { IsUsable: true } client)
        {
            try
            {
                using var quit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await client.QuitAsync(quit.Token);
            }
            catch (Exception ex) when (ex is IOException or RemoteProtocolException or OperationCanceledException or SocketException or TimeoutException)
            {
            }
        }
        await connection.DisposeAsync();
    }
}
