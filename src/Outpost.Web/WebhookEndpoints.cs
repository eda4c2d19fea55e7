using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Outpost.Engine.Accounts;
using Outpost.Engine.Webhooks;

namespace Outpost.Web;

/// <summary>
/// /api/v1/webhooks: webhook endpoints. Operators manage every endpoint and add global ones (every
/// domain); a domain key or domain admin its own domain's; a mailbox none. An endpoint outside the
/// caller's scope is answered like one that does not exist. The secret is in the answer to the POST only.
/// </summary>
public static class WebhookEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/webhooks", ListAsync);
        api.MapPost("/webhooks", AddAsync);
        api.MapDelete("/webhooks/{id:long}", RemoveAsync);
        api.MapPost("/webhooks/{id:long}/test", TestAsync);
        api.MapPost("/webhooks/{id:long}/pause", PauseAsync);
        api.MapPost("/webhooks/{id:long}/resume", ResumeAsync);
        api.MapGet("/webhooks/{id:long}/attempts", AttemptsAsync);
    }

    /// <summary>
    /// Who calls and which domain's endpoints they reach, or the answer that refuses them (not signed in, or
    /// not allowed); the caller is set whenever the refusal is null.
    /// </summary>
    static async Task<(ApiCaller Caller, string? Scope, IResult? Refused)> ScopeAsync(HttpContext http, ApiAuthentication auth)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return (null!, null, ApiResults.Unauthorized());
        var (scope, refused) = Scope(caller);
        return (caller, scope, refused);
    }

    /// <summary>The caller's scope (null: an operator, every endpoint), or the refusal of a mailbox.</summary>
    static (string? Scope, IResult? Refused) Scope(ApiCaller caller) =>
        caller.Operator ? (null, null)
        : caller.DomainWide ? (caller.Domain.ToLowerInvariant(), null)
        : (null, Results.Json(new { error = "Only a domain admin, a domain key or an operator may manage webhooks." }, statusCode: StatusCodes.Status403Forbidden));

    static object View(WebhookEndpoint e, WebhookStats s) => new
    {
        id = e.Id, domain = e.Domain, url = e.Url, events = e.Events, enabled = e.Enabled, pausedReason = e.PausedReason, pausedAt = e.PausedAt,
        createdBy = e.CreatedBy, createdAt = e.CreatedAt, pending = s.Pending, delivered = s.Delivered, failed = s.Failed,
    };

    static async Task<IResult> ListAsync(HttpContext http, ApiAuthentication auth, WebhookService webhooks)
    {
        var (caller, scope, refused) = await ScopeAsync(http, auth);
        if (refused is not null)
            return refused;
        var stats = await webhooks.StatsAsync(http.RequestAborted);
        return Results.Json((await webhooks.ListAsync(scope, http.RequestAborted)).Select(e => View(e, stats.GetValueOrDefault(e.Id, WebhookStats.None))));
    }

    static async Task<IResult> AddAsync(HttpContext http, WebhookEndpointRequest request, ApiAuthentication auth, WebhookService webhooks)
    {
        var (caller, scope, refused) = await ScopeAsync(http, auth);
        if (refused is not null)
            return refused;
        if (request.Events is { Count: > 50 })
            return ApiResults.BadRequest("Name each event once; there are fewer than 50.");
        try
        {
            var (endpoint, secret) = await webhooks.AddAsync(scope, request.Domain ?? scope, request.Url, request.Events is null ? null : string.Join(',', request.Events),
                caller.Mailbox ?? $"key of {caller.Domain}", http.RequestAborted);
            return Results.Json(new
            {
                id = endpoint.Id, domain = endpoint.Domain, url = endpoint.Url, events = endpoint.Events, enabled = endpoint.Enabled, secret,
                note = "The secret is shown only in this answer; receivers verify each webhook's signature with it.",
            }, statusCode: StatusCodes.Status201Created);
        }
        catch (ArgumentException e)
        {
            return ApiResults.BadRequest(e.Message);
        }
    }

    static async Task<IResult> RemoveAsync(HttpContext http, long id, ApiAuthentication auth, WebhookService webhooks)
    {
        var (caller, scope, refused) = await ScopeAsync(http, auth);
        if (refused is not null)
            return refused;
        return await webhooks.RemoveAsync(scope, id, http.RequestAborted) ? Results.NoContent() : ApiResults.NotFound(WebhookService.NotFound(id));
    }

    static async Task<IResult> TestAsync(HttpContext http, long id, ApiAuthentication auth, WebhookService webhooks)
    {
        var (caller, scope, refused) = await ScopeAsync(http, auth);
        if (refused is not null)
            return refused;
        if (await webhooks.TestAsync(scope, id, http.RequestAborted) is not var (webhookId, response))
            return ApiResults.NotFound(WebhookService.NotFound(id));
        return Results.Json(new
        {
            webhookId, succeeded = response.Succeeded, statusCode = response.StatusCode, error = response.Error,
            durationMs = (long)response.Duration.TotalMilliseconds, summary = response.Summary,
        });
    }

    static async Task<IResult> PauseAsync(HttpContext http, long id, ApiAuthentication auth, WebhookService webhooks)
    {
        var (caller, scope, refused) = await ScopeAsync(http, auth);
        if (refused is not null)
            return refused;
        return await webhooks.PauseAsync(scope, id, caller.Mailbox ?? $"key of {caller.Domain}", http.RequestAborted)
            ? Results.Json(new { id, enabled = false })
            : ApiResults.NotFound(WebhookService.NotFound(id));
    }

    static async Task<IResult> ResumeAsync(HttpContext http, long id, ApiAuthentication auth, WebhookService webhooks)
    {
        var (caller, scope, refused) = await ScopeAsync(http, auth);
        if (refused is not null)
            return refused;
        return await webhooks.ResumeAsync(scope, id, http.RequestAborted) is { } waiting
            ? Results.Json(new { id, enabled = true, waiting })
            : ApiResults.NotFound(WebhookService.NotFound(id));
    }

    static async Task<IResult> AttemptsAsync(HttpContext http, long id, [FromQuery] int? limit, ApiAuthentication auth, WebhookService webhooks)
    {
        var (caller, scope, refused) = await ScopeAsync(http, auth);
        if (refused is not null)
            return refused;
        if (await webhooks.AttemptsAsync(scope, id, limit ?? 50, http.RequestAborted) is not { } rows)
            return ApiResults.NotFound(WebhookService.NotFound(id));
        return Results.Json(rows.Select(a => new
        {
            deliveryId = a.DeliveryId, webhookId = a.EventId == 0 ? null : WebhookPayload.WebhookId(a.EventId), type = a.Type, messageId = a.MessageId, at = a.At,
            statusCode = a.StatusCode, error = a.Error, durationMs = (long)a.Duration.TotalMilliseconds,
            delivery = a.DeliveryStatus.ToString().ToLowerInvariant(), deliveryAttempts = a.DeliveryAttempts,
        }));
    }
}
