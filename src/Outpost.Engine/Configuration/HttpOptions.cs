namespace Outpost.Engine.Configuration;

/// <summary>The HTTP API's listener. Empty turns it off.</summary>
public sealed class HttpOptions
{
    /// <summary>"address:port"; production puts a TLS-terminating proxy in front, or configures Kestrel certificates.</summary>
    public string Listen { get; set; } = "127.0.0.1:8080";
}
