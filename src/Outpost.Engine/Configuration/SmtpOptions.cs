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

    /// <summary>PROXY protocol from the load balancers in front of the listeners.</summary>
    public ProxyProtocolOptions ProxyProtocol { get; set; } = new();

    public long MaxMessageSize { get; set; } = 25L * 1024 * 1024;
    public int MaxRecipients { get; set; } = 100;
    public int MaxConnections { get; set; } = 1000;

    /// <summary>Connections at once from one client address (one address must not shut out everybody else).</summary>
    public int MaxConnectionsPerAddress { get; set; } = 20;

    /// <summary>The same for 127.0.0.1, ::1 and the trusted networks: the host itself and application servers that pool connections.</summary>
    public int MaxConnectionsPerTrustedAddress { get; set; } = 200;

    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Wait for each command until the client's first MAIL: an idle connection is cut off soon.</summary>
    public TimeSpan GreetingTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A command line must be complete this long after its first byte (slowloris).</summary>
    public TimeSpan CommandLineTimeout { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>All of DATA, from 354 to the final dot.</summary>
    public TimeSpan MessageTimeout { get; set; } = TimeSpan.FromMinutes(10);

    public TimeSpan ConnectionLifetime { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Bad commands on one connection before it is closed with 421.</summary>
    public int MaxErrors { get; set; } = 10;

    /// <summary>Failed AUTH attempts on one connection before it is closed with 421.</summary>
    public int MaxAuthFailures { get; set; } = 3;

    /// <summary>
    /// Free space the spool's file system must keep: below it MAIL is answered 452 4.3.1, so a message is never
    /// accepted into a disk that cannot hold it, and the database beside it keeps room to record deliveries.
    /// </summary>
    public long MinFreeSpace { get; set; } = 100L * 1024 * 1024;
}
