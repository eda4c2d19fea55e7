using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Outpost.Web;

/// <summary>The HTTP API (/api/v1) and its OpenAPI document (/openapi/v1.json).</summary>
public static class WebServices
{
    public static IServiceCollection AddOutpostWeb(this IServiceCollection services)
    {
        services.AddSingleton<ApiAuthentication>();
        services.AddOpenApi();
        return services;
    }

    public static WebApplication MapOutpostApi(this WebApplication app)
    {
        app.MapOpenApi("/openapi/v1.json");
        var api = app.MapGroup("/api/v1");
        MessageEndpoints.Map(api);
        DomainEndpoints.Map(api);
        return app;
    }
}
