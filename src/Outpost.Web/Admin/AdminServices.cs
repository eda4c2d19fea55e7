using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Outpost.Web.Admin;

/// <summary>
/// The admin pages: server-rendered Razor Pages behind a cookie login. The session cookie is HttpOnly,
/// SameSite=Strict and Secure whenever the page came over HTTPS; every form carries an antiforgery token
/// (Razor Pages check it on each POST); pages allow only their own scripts and styles; a session ends when
/// its mailbox's password changes (<see cref="SessionStamp"/>).
/// </summary>
public static class AdminServices
{
    public const string OperatorPolicy = "operator";
    public const string ManagerPolicy = "manager";

    public static IServiceCollection AddOutpostAdmin(this IServiceCollection services)
    {
        services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.Cookie.Name = "outpost.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/login";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            // A password change ends the sessions opened with the old one.
            o.Events.OnValidatePrincipal = SessionStamp.ValidateAsync;
            // A page a role may not open answers 403 with a sentence, not a redirect loop.
            o.Events.OnRedirectToAccessDenied = async context =>
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("This page is for operators only.");
            };
            // The API answers for itself (401 JSON); only pages redirect to the login.
            o.Events.OnRedirectToLogin = context =>
            {
                if (context.Request.Path.StartsWithSegments("/api"))
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                else
                    context.Response.Redirect(context.RedirectUri);
                return Task.CompletedTask;
            };
        });
        services.AddAuthorizationBuilder()
            .AddPolicy(OperatorPolicy, p => p.RequireRole(AdminRoles.Operator))
            .AddPolicy(ManagerPolicy, p => p.RequireRole(AdminRoles.Operator, AdminRoles.DomainAdmin));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "outpost.csrf";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/");
            o.Conventions.AllowAnonymousToPage("/Login");
            o.Conventions.AuthorizePage("/Queue", ManagerPolicy);
            o.Conventions.AuthorizePage("/Review", OperatorPolicy);
            o.Conventions.AuthorizePage("/Suppressions", ManagerPolicy);
            o.Conventions.AuthorizeFolder("/Complaints", ManagerPolicy);
            o.Conventions.AuthorizePage("/Webhooks", ManagerPolicy);
            o.Conventions.AuthorizePage("/Channels", OperatorPolicy);
            o.Conventions.AuthorizePage("/Doctor", OperatorPolicy);
            o.Conventions.AuthorizePage("/Nodes", OperatorPolicy);
        }).AddApplicationPart(typeof(AdminServices).Assembly);
        return services;
    }

    static string ErrorSentence(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The form has expired or did not come from this site; reload the page and try again.",
        StatusCodes.Status403Forbidden => "You may not open this page.",
        StatusCodes.Status404NotFound => "Not found: it does not exist, or it is not yours.",
        StatusCodes.Status413PayloadTooLarge => "The upload is larger than the server accepts.",
        _ => $"The request failed ({status}).",
    };

    public static WebApplication MapOutpostAdmin(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            if (!context.Request.Path.StartsWithSegments("/api"))
                headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
            await next();
        });
        // An error answer of a page gets one plain sentence, never an empty body (the API writes its own JSON).
        app.UseStatusCodePages(async context =>
        {
            var response = context.HttpContext.Response;
            if (context.HttpContext.Request.Path.StartsWithSegments("/api"))
                return;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync(ErrorSentence(response.StatusCode));
        });
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapGet("/assets/{file}", AdminAssets.Serve).AllowAnonymous();
        app.MapRazorPages();
        return app;
    }
}
