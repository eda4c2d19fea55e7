using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Configuration;
using Outpost.Smtp;

namespace Outpost.Engine.Hosting;

/// <summary>Starts the SMTP listeners of the configuration (submission, implicit TLS, relay, and the feedback listener when set) with the engine as their back end.</summary>
public sealed class SmtpHostedService(OutpostOptions options, ISmtpBackend backend, ILogger<SmtpServer> logger) : IHostedService
{
    SmtpServer? _server;

    /// <summary>True once every configured listener is bound, until the host stops.</summary>
    public bool Listening => Volatile.Read(ref _server) is not null;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var smtp = options.Smtp;
        var serverOptions = new SmtpServerOptions
        {
            Hostname = options.Hostname,
            MaxMessageSize = smtp.MaxMessageSize,
            MaxRecipients = smtp.MaxRecipients,
            MaxConnections = smtp.MaxConnections,
            MaxConnectionsPerAddress = smtp.MaxConnectionsPerAddress,
            MaxConnectionsPerTrustedAddress = smtp.MaxConnectionsPerTrustedAddress,
            TrustedNetworks = options.TrustedNetworks.Select(t => IPNetwork.TryParse(t.Cidr, out var n) ? n : throw new ArgumentException(
                $"TrustedNetworks: '{t.Cidr}' is not a network in CIDR form (e.g. 10.0.0.0/24).")).ToList(),
            ProxySources = smtp.ProxyProtocol.TrustedProxies.Select(c => IPNetwork.TryParse(c.Trim(), out var n) ? n : throw new ArgumentException(
                $"Smtp:ProxyProtocol:TrustedProxies: '{c}' is not a network in CIDR form (e.g. 10.0.0.5/32).")).ToList(),
            ProxyHeaderTimeout = smtp.ProxyProtocol.HeaderTimeout,
            CommandTimeout = smtp.CommandTimeout,
            GreetingTimeout = smtp.GreetingTimeout,
            CommandLineTimeout = smtp.CommandLineTimeout,
            DataTimeout = smtp.DataTimeout,
            MessageTimeout = smtp.MessageTimeout,
            ConnectionLifetime = smtp.ConnectionLifetime,
            MaxErrors = smtp.MaxErrors,
            MaxAuthFailures = smtp.MaxAuthFailures,
            Certificate = CertificateProvider.Load(options),
        };
        var listeners = new List<SmtpListenerConfig>();
        Add(listeners, "submission", smtp.Submission, ListenerMode.Submission);
        Add(listeners, "submission-tls", smtp.SubmissionTls, ListenerMode.ImplicitTls);
        Add(listeners, "relay", smtp.Relay, ListenerMode.Relay);
        // Reports come from anyone here, so they get the complaints' own, smaller limit.
        Add(listeners, "feedback", options.Complaints.Listen, ListenerMode.Feedback, options.Complaints.MaxReportSize);
        var server = new SmtpServer(serverOptions, listeners, backend, logger);
        server.Start();
        Volatile.Write(ref _server, server);
        return Task.CompletedTask;
    }

    static void Add(List<SmtpListenerConfig> listeners, string name, string endpoint, ListenerMode mode, long? maxMessageSize = null)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
            return;
        if (!IPEndPoint.TryParse(endpoint, out var parsed) || parsed.Port == 0)
            throw new ArgumentException($"Smtp: '{endpoint}' is not an address and port like 127.0.0.1:2587.");
        listeners.Add(new SmtpListenerConfig(name, parsed, mode, maxMessageSize));
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
            await server.DisposeAsync();
    }
}
