namespace Outpost.Engine.Configuration;

/// <summary>The listener of the HTTP API and the admin pages.</summary>
public sealed class HttpOptions
{
    /// <summary>"address:port"; production puts a TLS-terminating proxy in front, or configures Kestrel certificates.</summary>
    public string Listen { get; set; } = "127.0.0.1:8080";

    /// <summary>Serve HTTPS with the same certificate as SMTP (the configured one, or the self-signed one).</summary>
    public bool Tls { get; set; }

    /// <summary>
    /// Reverse proxies (addresses) whose X-Forwarded-For and X-Forwarded-Proto are believed: behind them the
    /// client's address is the forwarded one, so logins are throttled per real client. Loopback is always one.
    /// </summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks (CIDR, e.g. 10.0.0.0/8) whose every address is a known proxy, e.g. a load balancer's subnet.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}
