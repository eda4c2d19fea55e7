namespace Outpost.Engine.Configuration;

/// <summary>The listener of the HTTP API and the admin pages.</summary>
public sealed class HttpOptions
{
    /// <summary>"address:port"; production puts a TLS-terminating proxy in front, or configures Kestrel certificates.</summary>
    public string Listen { get; set; } = "127.0.0.1:8080";

    /// <summary>Serve HTTPS with the same certificate as SMTP (the configured one, or the self-signed one).</summary>
    public bool Tls { get; set; }
}
