namespace Outpost.Engine.Configuration;

/// <summary>
/// Where metrics and traces go besides <c>/metrics</c>: an OpenTelemetry collector over OTLP. Off by default;
/// without it no span is even made (the message journey's trace costs nothing then).
/// </summary>
public sealed class TelemetryOptions
{
    public const string Grpc = "grpc";
    public const string HttpProtobuf = "http/protobuf";

    /// <summary>
    /// The collector's base address, e.g. <c>http://127.0.0.1:4317</c> (gRPC) or <c>http://127.0.0.1:4318</c>
    /// (HTTP, where <c>/v1/metrics</c> and <c>/v1/traces</c> are added); empty (the default) exports nothing over OTLP.
    /// Credentials a collector wants go in the standard <c>OTEL_EXPORTER_OTLP_HEADERS</c> variable, not here.
    /// </summary>
    public string OtlpEndpoint { get; set; } = "";

    /// <summary><c>grpc</c> (the default, port 4317) or <c>http/protobuf</c> (port 4318).</summary>
    public string OtlpProtocol { get; set; } = Grpc;

    /// <summary>How often metrics are pushed to the collector.</summary>
    public TimeSpan OtlpMetricsInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The collector's address, when one is configured.</summary>
    public Uri? Endpoint => OtlpEndpoint.Length == 0 ? null : new Uri(OtlpEndpoint.Trim(), UriKind.Absolute);
}
