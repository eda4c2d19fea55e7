using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Bounces;
using Outpost.Engine.Configuration;
using Outpost.Engine.Delivery.Tls;
using Outpost.Engine.Delivery.Tls.Report;
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
/// To MX hosts it keeps the destination's <see cref="TlsPolicy"/>: only the MX hosts the policy allows,
/// STARTTLS required when it says so, the certificate checked by the <see cref="CertificateVerifier"/>
/// when it says so, or under DANE against the host's TLSA records (<see cref="DaneMatcher"/>); a host that
/// cannot meet it is skipped with the reason, before any mail is sent.
/// It is the one place that counts TLS sessions for TLS-RPT (<see cref="TlsReportCounter"/>): each session a
/// direct channel opens under a reported policy (MTA-STS, no policy found; later DANE, whose failures
/// would be counted in the same two places as a certificate refusal, with the tlsa result types) as a
/// success or with the result type of what failed, and each host the policy refused.
/// Talks to: DNS for a relay's host name, the remote servers, the health tracker, the certificate verifier.
/// Security stance: to MX hosts TLS is what the policy says (opportunistic and unchecked by default, as
/// with any MTA that delivers opportunistically; never a fall back to plain text when it requires TLS);
/// to a relay, TLS is required and its certificate checked unless the channel says otherwise; relay
/// passwords are opened only for AUTH and never logged.
/// </summary>
public sealed class ChannelConnector(OutpostOptions options, ChannelHealthTracker health, CertificateVerifier verifier, RelayPasswords passwords, TlsReportCounter reports, TimeProvider time,
    ILogger<ChannelConnector> logger)
{
    readonly ConcurrentDictionary<string, SemaphoreSlim> _channelSlots = new();

    DeliveryOptions Delivery => options.Delivery;

    /// <summary>A connection through <paramref name="channel"/> for <paramref name="domain"/>, or one whose <see cref="ChannelConnection.Error"/> says why not.</summary>
    /// <param name="policy">The destination's TLS policy; a relay channel keeps its own TLS settings instead.</param>
    public async Task<ChannelConnection> ConnectAsync(Channel channel, string domain, MxResolution? resolution, TlsPolicy policy, CancellationToken cancellationToken)
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
        else if (resolution is { Status: MxResolutionStatus.Ok } && policy.Refusal is { } refusal)
        {
            // DANE: the MX records failed validation, so no host they name can be trusted.
            slot?.Release();
            return new ChannelConnection(channel, null, resolution.Hosts[0].Name, null, FailureClassifier.OfTlsPolicy(policy.Source, refusal).Reply, null,
                $"{policy.Source}: MX lookup failed");
        }
        else if (resolution is { Status: MxResolutionStatus.Ok })
        {
            // RFC 8461 §5.1: under an enforced policy, an MX host it does not name is never tried.
            var allowed = policy.ReportOnly ? resolution.Hosts : resolution.Hosts.Where(h => policy.Allows(h.Name)).ToList();
            if (allowed.Count == 0)
            {
                slot?.Release();
                var mismatch = $"no MX host of {domain} ({string.Join(", ", resolution.Hosts.Select(h => h.Name))}) matches {string.Join(", ", policy.MxPatterns)}";
                var refused = FailureClassifier.OfTlsPolicy(policy.Source, mismatch);
                Count(domain, policy, TlsResultTypes.ValidationFailure, resolution.Hosts[0].Name, null, mismatch);
                return new ChannelConnection(channel, null, resolution.Hosts[0].Name, null, refused.Reply, null, $"{policy.Source}: no MX host allowed");
            }
            targets.AddRange(allowed.SelectMany(h => h.Addresses.Select(a => (h.Name, a, Delivery.MxPort))));
        }
        else
        {
            slot?.Release();
            var reason = resolution?.Failure.Reply ?? FailureClassifier.NoMailServerFound;
            return new ChannelConnection(channel, null, null, null, reason, null);
        }

        var failure = FailureClassifier.Of(null, FailureClassifier.NoMailServerReached, connectionLost: false);
        string? lastHost = null, lastAddress = null, lastPolicy = null;
        // Whether the last failure was the destination's TLS policy (it says nothing of the channel's health).
        var policyRefused = false;
        var direct = channel.Kind == ChannelKind.Direct;
        foreach (var (host, address, port) in targets)
        {
            lastHost = host;
            lastAddress = address.ToString();
            // What the certificate check found, for the reply when the policy refuses it, or for the note when it only reports.
            string? certificateProblem = null, certificateResult = null;
            // Under DANE, what the host's TLSA records say, and which of them the certificate matched.
            var dane = direct ? policy.DaneAt(host) : null;
            DaneMatch? daneMatch = null;
            if (dane?.Failure is { } lookupFailed)
            {
                // RFC 7672 §2.2: a host whose TLSA lookup failed is not used at all.
                lastPolicy = $"{policy.Source}: TLSA lookup failed for {host}";
                policyRefused = true;
                failure = FailureClassifier.OfTlsPolicy(policy.Source, lookupFailed);
                Log(null, channel, host, address, failure.Reply);
                continue;
            }
            var clientOptions = new SmtpClientOptions
            {
                HeloName = channel.HeloName ?? Delivery.HeloName ?? options.Hostname,
                Tls = !direct ? (channel.RelayTls == RelayTls.Implicit ? ClientTls.Implicit : ClientTls.StartTlsRequired)
                    : policy.Mode == TlsMode.None ? ClientTls.None : ClientTls.Opportunistic,
                CertificateValidation = !direct ? (channel.VerifyCertificate ? null : (_, _, _, _) => true)
                    : dane is { Authenticates: true } ? (_, certificate, chain, _) =>
                    {
                        daneMatch = DaneMatcher.Match(certificate, chain, dane, time.GetUtcNow().UtcDateTime);
                        certificateProblem = daneMatch.Problem;
                        return daneMatch.Matched is not null;
                    }
                    : !policy.ChecksCertificate ? (_, _, _, _) => true
                    : (_, certificate, chain, errors) =>
                    {
                        (certificateProblem, certificateResult) = verifier.Check(certificate, chain, errors, host);
                        return certificateProblem is null || policy.Mode != TlsMode.Verify || policy.ReportOnly;
                    },
                CommandTimeout = Delivery.CommandTimeout,
                DataTimeout = Delivery.DataTimeout,
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
                var client = await OpenAsync(channel, socket, host, address, port, clientOptions, cancellationToken);
                if (direct && policy.RequiresTlsAt(host) && !policy.ReportOnly && !client.IsSecure)
                {
                    // Only EHLO has been said: no mail goes over this connection.
                    await client.DisposeAsync();
                    lastPolicy = $"{policy.Source}: no STARTTLS at {host}";
                    policyRefused = true;
                    failure = FailureClassifier.OfTlsPolicy(policy.Source, $"{host} [{address}] does not offer STARTTLS");
                    Count(domain, policy, TlsResultTypes.StartTlsNotSupported, host, address.ToString(), $"{host} does not offer STARTTLS");
                    Log(null, channel, host, address, failure.Reply);
                    continue;
                }
                if (direct)
                    CountSession(domain, policy, client, host, address.ToString(), certificateProblem, certificateResult);
                return new ChannelConnection(channel, client, host, address.ToString(), null, slot, Describe(channel, policy, client, host, certificateProblem, dane, daneMatch), direct ? policy : null);
            }
            catch (Exception ex) when (FailureClassifier.OfConnect(ex, channel.Name, host, address) is { } failed)
            {
                if (failed.ConnectionLost)
                    cancellationToken.ThrowIfCancellationRequested();
                if (direct && ex is System.Security.Authentication.AuthenticationException && certificateProblem is not null && !policy.ReportOnly)
                {
                    failed = FailureClassifier.OfTlsPolicy(policy.Source, certificateProblem);
                    Count(domain, policy, certificateResult ?? TlsResultTypes.ValidationFailure, host, address.ToString(), certificateProblem);
                    lastPolicy = $"{policy.Source}: certificate refused";
                    policyRefused = true;
                }
                else
                {
                    lastPolicy = direct ? $"{policy.Source}: {host} not reached" : null;
                    policyRefused = false;
                }
                failure = failed;
                Log(ex, channel, host, address, failed.Reply);
            }
            socket.Dispose();
        }
        // A host refused by the TLS policy is the destination's to fix: the channel is not cooled down for
        // it, so mail goes as soon as the host (or the operator's table) is right again.
        if (!policyRefused)
            await health.FailureAsync(channel.Name, domain, failure.Reply, immediately: failure.Class == BounceClass.PermanentPath);
        slot?.Release();
        return new ChannelConnection(channel, null, lastHost, lastAddress, failure.Reply, null, lastPolicy);
    }

    /// <summary>
    /// Counts an open session for TLS-RPT: a failure when the policy itself could not be had (its fetch
    /// failed), when no TLS was spoken, or when a testing policy would have refused the host; else a success.
    /// </summary>
    void CountSession(string domain, TlsPolicy policy, SmtpClientConnection client, string host, string address, string? certificateProblem, string? certificateResult)
    {
        if (policy.Report is not { } report)
            return;
        if (report.FailureType is { } policyFailure)
            Count(domain, policy, policyFailure, host, address, report.FailureReason);
        else if (!client.IsSecure)
            Count(domain, policy, TlsResultTypes.StartTlsNotSupported, host, address, $"{host} does not offer STARTTLS");
        else if (policy.ReportOnly && !policy.Allows(host))
            Count(domain, policy, TlsResultTypes.ValidationFailure, host, address, $"{host} matches none of {string.Join(", ", policy.MxPatterns)}");
        else if (policy.ReportOnly && certificateProblem is not null)
            Count(domain, policy, certificateResult ?? TlsResultTypes.ValidationFailure, host, address, certificateProblem);
        else
            Count(domain, policy, null, host, address, null);
    }

    /// <summary>One session for TLS-RPT, when the policy is one a destination published.</summary>
    void Count(string domain, TlsPolicy policy, string? resultType, string host, string? address, string? reason)
    {
        if (policy.Report is { } report)
            reports.Record(new TlsSessionResult(domain, report, resultType, host, address, reason));
    }

    /// <summary>
    /// The TLS policy and what came of it on an open connection, as every attempt over it names it:
    /// "MTA-STS enforce for example.com, policy id 1: verified TLSv1.3 to mx1.example.com".
    /// </summary>
    static string Describe(Channel channel, TlsPolicy policy, SmtpClientConnection client, string host, string? certificateProblem, DaneHost? dane, DaneMatch? daneMatch)
    {
        var tls = client.IsSecure ? Outpost.Smtp.TlsNames.Of(client.SslProtocol) : null;
        if (channel.Kind == ChannelKind.Relay)
            return $"relay {channel.Name}: {tls ?? "no TLS"} to {host}, " + (channel.VerifyCertificate ? "certificate verified" : "certificate not checked");
        if (dane is not null)
        {
            // "DANE for example.com: 2 TLSA records, matched 3 1 1, verified TLSv1.3 to mx.example.com"
            if (daneMatch?.Matched is { } matched && tls is not null)
                return $"{policy.Source}: {dane.RecordsInWords}, matched {matched.Parameters}, verified {tls} to {host}";
            if (dane.Records.Count == 0)
                return tls is null ? $"{policy.Source}: no TLSA records for {host}, plain text, no STARTTLS offered"
                    : $"{policy.Source}: no TLSA records for {host}, {tls} without verification";
            if (tls is not null)
                return $"{policy.Source}: {dane.RecordsInWords} for {host}, none usable, {tls} without verification";
        }
        if (tls is null)
            return policy.Mode == TlsMode.None ? $"{policy.Source}: plain text to {host}, TLS off by policy" : $"{policy.Source}: plain text to {host}, no STARTTLS offered";
        if (policy.ReportOnly)
        {
            var problems = new List<string>();
            if (!policy.Allows(host))
                problems.Add($"{host} matches none of {string.Join(", ", policy.MxPatterns)}");
            if (certificateProblem is not null)
                problems.Add(certificateProblem);
            return problems.Count == 0
                ? $"{policy.Source}: verified {tls} to {host}"
                : $"{policy.Source}: {tls} to {host}, would fail: {string.Join("; ", problems)} (reported only)";
        }
        return policy.Mode == TlsMode.Verify ? $"{policy.Source}: verified {tls} to {host}" : $"{policy.Source}: {tls} without verification to {host}";
    }

    /// <summary>
    /// Connects and says hello (with TLS and AUTH) within <see cref="DeliveryOptions.ConnectTimeout"/> in all,
    /// so a server that holds back its greeting or drips its replies holds the slot no longer than that.
    /// </summary>
    async Task<SmtpClientConnection> OpenAsync(Channel channel, Socket socket, string host, IPAddress address, int port, SmtpClientOptions clientOptions,
        CancellationToken cancellationToken)
    {
        using var connect = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        connect.CancelAfter(Delivery.ConnectTimeout);
        try
        {
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
            return client;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var seconds = Delivery.ConnectTimeout.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture);
            throw new TimeoutException($"The connection was not ready (connected, greeted, EHLO and TLS done) within {seconds} seconds");
        }
    }

    /// <summary>How loud a failed connection is: refused credentials are the operator's to fix; the rest is the weather of the network.</summary>
    void Log(Exception? ex, Channel channel, string host, IPAddress address, string reply)
    {
        switch (ex)
        {
            case null:
                logger.LogInformation("Channel {Channel} did not use {Host} [{Address}]: {Error}", channel.Name, host, address, reply);
                break;
            case RemoteRefusalException { Stage: SmtpClientConnection.AuthStage, Reply.IsTransient: false }:
                logger.LogWarning("Relay {Host} refused the credentials of channel {Channel}", host, channel.Name);
                break;
            case RemoteRefusalException refusal:
                logger.LogInformation("{Host} [{Address}] refused channel {Channel} at {Stage}: {Error}", host, address, channel.Name, refusal.Stage, reply);
                break;
            case not null when reply.Contains("TLS policy not met", StringComparison.Ordinal):
                logger.LogInformation("Channel {Channel} did not use {Host} [{Address}]: {Error}", channel.Name, host, address, reply);
                break;
            default:
                logger.LogInformation("Channel {Channel} cannot connect to {Host} [{Address}]: {Error}", channel.Name, host, address, ex.Message);
                break;
        }
    }
}
