using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Outpost.Engine.Hosting;

namespace Outpost.Web;

/// <summary>
/// <c>/healthz</c> (the process answers: 200 "ok") and <c>/readyz</c> (200 when every check of
/// <see cref="ReadinessProbe"/> passes, else 503), for load balancers and service managers. Unauthenticated,
/// so they say nothing but each check's name and ok or not-ready.
/// </summary>
public static class HealthEndpoints
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Text("ok\n", "text/plain; charset=utf-8")).AllowAnonymous().ExcludeFromDescription();
        app.MapGet("/readyz", async (ReadinessProbe probe, HttpContext http) =>
        {
            var checks = await probe.CheckAsync(http.RequestAborted);
            var ready = checks.All(c => c.Ok);
            var body = (ready ? "ready\n" : "not-ready\n") + string.Concat(checks.Select(c => $"{c.Check}: {(c.Ok ? "ok" : "not-ready")}\n"));
            http.Response.Headers.CacheControl = "no-store";
            return Results.Text(body, "text/plain; charset=utf-8", statusCode: ready ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        }).AllowAnonymous().ExcludeFromDescription();
    }
}
