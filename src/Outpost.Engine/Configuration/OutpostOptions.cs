namespace Outpost.Engine.Configuration;

/// <summary>
/// The whole configuration, bound from <c>outpost.json</c> and <c>OUTPOST__Section__Key</c> variables.
/// The defaults are the development ones: loopback only, high ports, data under <c>./data</c>.
/// </summary>
public sealed class OutpostOptions
{
    /// <summary>Where the database, spool, mailboxes and certificate live.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>This server's host name: greeting, EHLO to remote servers, Received and Message-ID.</summary>
    public string Hostname { get; set; } = "localhost";

    /// <summary>Development (the default) or Production: Production refuses the development placeholders (see <see cref="OutpostEnvironment"/>).</summary>
    public string Environment { get; set; } = OutpostEnvironment.Development;

    public SmtpOptions Smtp { get; set; } = new();
    public TlsOptions Tls { get; set; } = new();
    public List<TrustedNetworkOptions> TrustedNetworks { get; set; } = [];
    public DnsOptions Dns { get; set; } = new();
    public DeliveryOptions Delivery { get; set; } = new();
    public AuthOptions Auth { get; set; } = new();
    public SendingOptions Sending { get; set; } = new();
    public DkimOptions Dkim { get; set; } = new();
    public PolicyOptions Policy { get; set; } = new();
    public RoutingOptions Routing { get; set; } = new();
    public HttpOptions Http { get; set; } = new();
    public ApiOptions Api { get; set; } = new();
    public SuppressionOptions Suppression { get; set; } = new();
    public RetentionOptions Retention { get; set; } = new();
    public StorageOptions Storage { get; set; } = new();
    public ComplaintOptions Complaints { get; set; } = new();
    public WebhookOptions Webhooks { get; set; } = new();
    public DoctorOptions Doctor { get; set; } = new();
    public MetricsOptions Metrics { get; set; } = new();
    public TelemetryOptions Telemetry { get; set; } = new();
}
