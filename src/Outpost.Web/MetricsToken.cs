using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Outpost.Engine.Configuration;

namespace Outpost.Web;

/// <summary>
/// The gate in front of <c>/metrics</c>: with <c>Metrics:Token</c> set, a scrape without
/// <c>Authorization: Bearer &lt;token&gt;</c> gets 401 and one sentence, whatever writes the metrics behind it.
/// Security stance: the token is compared in constant time (as hashes, so its length is not told either),
/// never logged, and the 401 says what is needed but nothing about the metrics or the token.
/// </summary>
public static class MetricsToken
{
    public const string Refusal = "The metrics need the token of Metrics:Token as Authorization: Bearer <token>.";

    public static void Use(WebApplication app, MetricsOptions options)
    {
        if (options.Token.Length == 0)
            return;
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(options.Token));
        app.Use(async (context, next) =>
        {
            // Case-insensitive, as routing is: /METRICS reaches the same endpoint.
            if (!context.Request.Path.StartsWithSegments("/metrics") || Authorized(context.Request, expected))
            {
                await next(context);
                return;
            }
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"metrics\"";
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(Refusal + "\n", context.RequestAborted);
        });
    }

    static bool Authorized(HttpRequest request, byte[] expected)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (header.Length > scheme.Length + MetricsOptions.MaxTokenLength || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[scheme.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
