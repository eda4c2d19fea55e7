using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Outpost.Engine.Configuration;
using Outpost.Smtp;

namespace Outpost.Web;

/// <summary>
/// The HTTP API's limits on its clients: requests per minute per client address (ASP.NET Core's rate
/// limiter, a fixed window; past it 429 with <c>Retry-After</c> and a sentence), and a body over Kestrel's
/// request limit (the message limit plus base64's third, set by <c>serve</c>) answered 413 with the size
/// sentence SMTP gives, instead of an empty body. The rate is per address, not per caller, so a flood of
/// wrong passwords is limited as much as a flood of right ones; the host itself (127.0.0.1, ::1) is not limited.
/// </summary>
public static class ApiLimits
{
    public const string Policy = "api";

    /// <summary>The refusal past the rate; the same words as the SMTP rate refusals, with the wait.</summary>
    public static string TooManyRequests(TimeSpan wait) =>
        $"Too many requests from your address; try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture)} seconds.";

    public static IServiceCollection AddApiLimits(this IServiceCollection services) =>
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Policy, http =>
            {
                var perMinute = http.RequestServices.GetRequiredService<OutpostOptions>().Api.RequestsPerMinute;
                var address = http.Connection.RemoteIpAddress;
                if (address is { IsIPv4MappedToIPv6: true })
                    address = address.MapToIPv4();
                // An IPv6 client counts as its /64, as the login throttle counts it: rotating through one's own
                // network does not buy a fresh allowance.
                var client = address is null ? "" : address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                    ? Outpost.Engine.Accounts.AuthThrottle.Network(address).ToString() + "/64" : address.ToString();
                // The host itself is not limited: a proxy in front on the same machine would make every client one
                // address (the limit then belongs in the proxy), and local tools are the operator's own.
                var local = address is not null && (address.Equals(System.Net.IPAddress.Loopback) || address.Equals(System.Net.IPAddress.IPv6Loopback));
                return perMinute <= 0 || local
                    ? RateLimitPartition.GetNoLimiter(client)
                    : RateLimitPartition.GetFixedWindowLimiter(client, _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = perMinute,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    });
            });
            o.OnRejected = async (context, cancellationToken) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                var response = context.HttpContext.Response;
                response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await response.WriteAsJsonAsync(new { error = TooManyRequests(wait) }, cancellationToken);
            };
        });

    /// <summary>The rate limiter, and the size sentence for a body Kestrel refused before any endpoint could answer.</summary>
    public static WebApplication UseApiLimits(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments("/api"))
            {
                await next();
                return;
            }
            var tooLarge = false;
            try
            {
                await next();
                // The JSON binder turns Kestrel's refusal into a bare status; an endpoint's own 413 has a body and has started.
                tooLarge = context.Response.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted;
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge && !context.Response.HasStarted)
            {
                tooLarge = true;
            }
            if (tooLarge)
            {
                var limit = context.RequestServices.GetRequiredService<OutpostOptions>().Smtp.MaxMessageSize;
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
                // The client may still be sending; the connection closes after this answer rather than reading on.
                context.Response.Headers.Connection = "close";
                await context.Response.WriteAsJsonAsync(new { error = SmtpReplies.MessageTooBig(limit).Text });
            }
        });
        app.UseRateLimiter();
        return app;
    }
}
