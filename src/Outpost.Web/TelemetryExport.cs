using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Outpost.Engine.Configuration;
using Outpost.Engine.Metrics;

namespace Outpost.Web;

/// <summary>
/// Exports what Outpost measures through OpenTelemetry: the meter <c>Outpost</c> (<see cref="OutpostMetrics"/>)
/// with the .NET runtime's, the process's and ASP.NET Core's and Kestrel's meters, in Prometheus' text format at
/// <c>/metrics</c>; with <c>Telemetry:OtlpEndpoint</c> set, the same metrics and the message journey's traces
/// (<see cref="OutpostTracing"/>, and the HTTP requests') to that collector over OTLP.
/// Talks to: the collector when configured (pushed, never read from); nothing else.
/// Security stance: the scrape has no secrets in it (labels are codes, channels, statuses); who may read it is
/// decided in front of the endpoint (the route stays <c>/metrics</c>); the collector's credentials come from the
/// standard OTLP variables, never from a logged setting.
/// </summary>
public static class TelemetryExport
{
    /// <summary>The scraping endpoint's route.</summary>
    public const string MetricsPath = "/metrics";

    public static IServiceCollection AddOutpostTelemetry(this IServiceCollection services, TelemetryOptions options)
    {
        var otlp = options.Endpoint;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("outpost", serviceVersion: BuildInfo.Version));
        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter(OutpostMetrics.MeterName)
                .AddRuntimeInstrumentation()
                .AddProcessInstrumentation()
                // Requests (http.server.*) and Kestrel's connections, TLS handshakes and queues (kestrel.*).
                .AddAspNetCoreInstrumentation()
                .AddMeter("Microsoft.AspNetCore.Server.Kestrel")
                // No cached scrape: a scrape right after a delivery sees it (the exporter's default keeps one for 300 ms).
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0);
            if (otlp is not null)
                metrics.AddOtlpExporter((exporter, reader) =>
                {
                    Point(exporter, options, otlp, "v1/metrics");
                    reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)options.OtlpMetricsInterval.TotalMilliseconds;
                });
        });
        // Traces only when they go somewhere: without a listener the journey's spans are never made.
        if (otlp is not null)
            telemetry.WithTracing(tracing => tracing
                .AddSource(OutpostTracing.SourceName)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments(MetricsPath))
                .AddOtlpExporter(exporter => Point(exporter, options, otlp, "v1/traces")));
        return services;
    }

    /// <summary>Serves the Prometheus text at <c>/metrics</c>; a gate in front (a token) goes before this in the pipeline.</summary>
    public static IEndpointConventionBuilder MapOutpostMetrics(this IEndpointRouteBuilder endpoints)
    {
        // The exporter listens first, then the series that should read 0 before any mail are started.
        endpoints.ServiceProvider.GetRequiredService<MeterProvider>();
        endpoints.ServiceProvider.GetRequiredService<OutpostMetrics>().StartAtZero();
        return endpoints.MapPrometheusScrapingEndpoint(MetricsPath);
    }

    /// <summary>gRPC takes the base address as it is; HTTP wants each signal's path (set in code, the exporter adds none).</summary>
    static void Point(OtlpExporterOptions exporter, TelemetryOptions options, Uri endpoint, string signalPath)
    {
        // The host's configuration holds only Outpost's settings, so the standard variable is read here.
        if (Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_HEADERS") is { Length: > 0 } headers)
            exporter.Headers = headers;
        if (options.OtlpProtocol == TelemetryOptions.HttpProtobuf)
        {
            exporter.Protocol = OtlpExportProtocol.HttpProtobuf;
            exporter.Endpoint = new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath);
        }
        else
        {
            exporter.Protocol = OtlpExportProtocol.Grpc;
            exporter.Endpoint = endpoint;
        }
    }
}
