using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Web.Admin;

namespace Outpost.Web;

/// <summary>The HTTP API (/api/v1), its OpenAPI document (/openapi/v1.json), Prometheus metrics (/metrics), /healthz and /readyz, and the admin pages.</summary>
public static class WebServices
{
    public static IServiceCollection AddOutpostWeb(this IServiceCollection services)
    {
        services.AddSingleton<ApiAuthentication>();
        services.AddApiLimits();
        services.AddOpenApi();
        services.AddOutpostAdmin();
        return services;
    }

    public static WebApplication MapOutpostApi(this WebApplication app)
    {
        // Behind a TLS proxy every client would otherwise have the proxy's address: one client's failed logins would
        // throttle everyone. Only known proxies are believed (loopback always), and only their last hop.
        var configured = app.Services.GetRequiredService<Outpost.Engine.Configuration.OutpostOptions>();
        var http = configured.Http;
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto, ForwardLimit = 1 };
        foreach (var proxy in http.KnownProxies)
            forwarded.KnownProxies.Add(System.Net.IPAddress.Parse(proxy.Trim()));
        foreach (var network in http.KnownNetworks)
            forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network.Trim()));
        app.UseForwardedHeaders(forwarded);
        HealthEndpoints.Map(app);
        app.UseApiLimits();
        MetricsToken.Use(app, configured.Metrics);
        app.MapOpenApi("/openapi/v1.json");
        app.MapOutpostMetrics();
        app.MapOutpostAdmin();
        var api = app.MapGroup("/api/v1");
        api.RequireRateLimiting(ApiLimits.Policy);
        MessageEndpoints.Map(api);
        DomainEndpoints.Map(api);
        SuppressionEndpoints.Map(api);
        ComplaintEndpoints.Map(api);
        QueueEndpoints.Map(api);
        AuditEndpoints.Map(api);
        WebhookEndpoints.Map(api);
        return app;
    }
}
