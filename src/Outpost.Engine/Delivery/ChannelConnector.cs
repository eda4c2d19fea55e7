using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Bounces;
using Outpost.Engine.Configuration;
using Outpost.Engine.Dns;
using Outpost.Engine.Routing.Channels;
using Outpost.Smtp.Client;

namespace Outpost.Engine.Delivery;

/// <summary>
/// Opens a connection through one channel: a direct channel to the destination's MX hosts in order, from
/// its own source address and with its HELO name; a relay channel to its smart host, with TLS and AUTH.
/// A channel's <see cref="Channel.MaxConnections"/> is kept here, across destinations. A channel that
/// cannot connect is reported to the <see cref="ChannelHealthTracker"/> (at once when the failure blames
/// the sending path or the channel's own address); what each failure counts as comes from the
/// <see cref="FailureClassifier"/>.
/// Talks to: DNS for a relay's host name, the remote servers, the health tracker.
/// Security stance: to MX hosts TLS is opportunistic (certificates are not checked, as with any MTA that
/// delivers opportunistically); to a relay, TLS is required and its certificate checked unless the channel
/// says otherwise; relay passwords are opened only for AUTH and never logged.
/// </summary>
public sealed class ChannelConnector(OutpostOptions options, ChannelHealthTracker health, RelayPasswords passwords, ILogger<ChannelConnector> logger)
{
    readonly ConcurrentDictionary<string, SemaphoreSlim> _channelSlots = new();

    DeliveryOptions Delivery => options.Delivery;

    /// <summary>A connection through <paramref name="channel"/> for <paramref name="domain"/>, or one whose <see cref="ChannelConnection.Error"/> says why not.</summary>
    public async Task<ChannelConnection> ConnectAsync(Channel channel, string domain, MxResolution? resolution, CancellationToken cancellationToken)
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
            var addresses = await HostAddresses.OfAsync(channel.RelayHost!, cancellationToken);
            targets.AddRange(addresses.Select(a => (channel.RelayHost!, a, channel.RelayPort)));
        }
        else if (resolution is { Status: MxResolutionStatus.Ok })
        {
            targets.AddRange(resolution.Hosts.SelectMany(h => h.Addresses.Select(a => (h.Name, a, Delivery.MxPort))));
        }
        else
        {
            slot?.Release();
            var reason = resolution?.Failure.Reply ?? FailureClassifier.NoMailServerFound;
            return new ChannelConnection(channel, null, null, null, reason, null);
        }

        var failure = FailureClassifier.Of(null, FailureClassifier.NoMailServerReached, connectionLost: false);
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
                        var reason = FailureClassifier.OfBind(channel.Name, bind, ex);
                        await health.FailureAsync(channel.Name, ChannelHealthTracker.Everywhere, reason, immediately: true);
                        socket.Dispose();
                        slot?.Release();
                        return new ChannelConnection(channel, null, null, null, reason, null);
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
                        await client.AuthenticateAsync(channel.Username, passwords.Open(channel), connect.Token);
                    }
                    catch
                    {
                        await client.DisposeAsync();
                        throw;
                    }
                }
                return new ChannelConnection(channel, client, host, address.ToString(), null, slot);
            }
            catch (Exception ex) when (FailureClassifier.OfConnect(ex, channel.Name, host, address) is { } failed)
            {
                if (failed.ConnectionLost)
                    cancellationToken.ThrowIfCancellationRequested();
                failure = failed;
                Log(ex, channel, host, address, failed.Reply);
            }
            socket.Dispose();
        }
        await health.FailureAsync(channel.Name, domain, failure.Reply, immediately: failure.Class == BounceClass.PermanentPath);
        slot?.Release();
        return new ChannelConnection(channel, null, lastHost, lastAddress, failure.Reply, null);
    }

    /// <summary>How loud a failed connection is: refused credentials are the operator's to fix; the rest is the weather of the network.</summary>
    void Log(Exception ex, Channel channel, string host, IPAddress address, string reply)
    {
        switch (ex)
        {
            case RemoteRefusalException { Stage: SmtpClientConnection.AuthStage, Reply.IsTransient: false }:
                logger.LogWarning("Relay {Host} refused the credentials of channel {Channel}", host, channel.Name);
                break;
            case RemoteRefusalException refusal:
                logger.LogInformation("{Host} [{Address}] refused channel {Channel} at {Stage}: {Error}", host, address, channel.Name, refusal.Stage, reply);
                break;
            default:
                logger.LogInformation("Channel {Channel} cannot connect to {Host} [{Address}]: {Error}", channel.Name, host, address, ex.Message);
                break;
        }
    }
}
