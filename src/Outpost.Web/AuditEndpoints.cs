using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Outpost.Engine.Audit;

namespace Outpost.Web;

/// <summary>
/// GET /api/v1/audit: the audit trail, newest first, paged by <c>before</c> (an id). Operators read every
/// line; a domain admin or domain key only the lines limited to its own domain.
/// </summary>
public static class AuditEndpoints
{
    public static void Map(IEndpointRouteBuilder api) => api.MapGet("/audit", ListAsync);

    static async Task<IResult> ListAsync(HttpContext http, [FromQuery] string? action, [FromQuery] string? domain, [FromQuery] string? target,
        [FromQuery] DateTimeOffset? since, [FromQuery] long? before, [FromQuery] int? limit, ApiAuthentication auth, IAuditStore audit)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        if (!QueueAccess.MayUse(caller))
            return Results.Json(new { error = "Only operators and domain admins may read the audit trail." }, statusCode: StatusCodes.Status403Forbidden);
        if (action is not null && !AuditActions.All.Contains(action))
            return ApiResults.BadRequest($"'{action}' is not an audited action; use one of {string.Join(", ", AuditActions.All)}.");
        if (target is { Length: > 1000 } || domain is { Length: > 253 })
            return ApiResults.BadRequest("A target may be at most 1000 characters long, a domain 253.");
        var size = Math.Clamp(limit ?? 100, 1, 1000);
        var lines = await audit.ListAsync(new AuditQuery(action is null ? null : [action], target, QueueAccess.AuditDomain(caller, domain?.Trim()), since, before, size),
            http.RequestAborted);
        return Results.Json(new
        {
            items = lines.Select(e => new
            {
                id = e.Id, at = e.At, actor = e.Actor, via = e.Via, action = e.Action, target = e.Target, domain = e.Domain, reason = e.Reason,
                touched = e.Touched, skipped = e.Skipped,
            }),
            nextBefore = lines.Count == size ? lines[^1].Id : (long?)null,
        });
    }
}
