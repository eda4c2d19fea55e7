namespace Outpost.Engine.Configuration;

/// <summary>Listeners and protocol limits. An empty endpoint turns that listener off.</summary>
public sealed class SmtpOptions
{
    /// <summary>Submission with STARTTLS (production: 0.0.0.0:587).</summary>
    public string Submission { get; set; } = "127.0.0.1:2587";

    /// <summary>Submission over implicit TLS (production: 0.0.0.0:465).</summary>
    public string SubmissionTls { get; set; } = "127.0.0.1:2465";

    /// <summary>The relay listener for trusted networks (application servers).</summary>
    public string Relay { get; set; } = "127.0.0.1:2525";

    public long MaxMessageSize { get; set; } = 25L * 1024 * 1024;
    public int MaxRecipients { get; set; } = 100;
    public int MaxConnections { get; set; } = 1000;
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(3);
    public TimeSpan ConnectionLifetime { get; set; } = TimeSpan.FromMinutes(30);
}
