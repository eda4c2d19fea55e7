using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Outpost.Engine.Accounts;
using Outpost.Engine.Suppression;

namespace Outpost.Web;

/// <summary>
/// /api/v1/suppressions: the suppression lists. Operators see and change every domain's; a domain key
/// or domain admin its own domain's; a mailbox none (the list is the domain's, not one sender's).
/// </summary>
public static class SuppressionEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/suppressions", ListAsync);
        api.MapPost("/suppressions", AddAsync);
        api.MapDelete("/suppressions/{domain}/{address}", RemoveAsync);
    }

    static IResult? Refuse(ApiCaller caller, string? domain) =>
        caller.Operator || caller.DomainWide && (domain is null || caller.OwnsDomain(domain))
            ? null
            : Results.Json(new { error = domain is null ? "Only a domain admin, a domain key or an operator may read suppression lists" : $"The domain {domain} is not yours." },
                statusCode: StatusCodes.Status403Forbidden);

    static async Task<IResult> ListAsync(HttpContext http, [FromQuery] string? domain, [FromQuery] string? search, [FromQuery] int? limit, ApiAuthentication auth,
        SuppressionService suppressions)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        if (Refuse(caller, domain) is { } refused)
            return refused;
        var scope = caller.Operator ? domain : caller.Domain;
        var rows = await suppressions.ListAsync(scope, search, Math.Clamp(limit ?? 200, 1, 10_000), http.RequestAborted);
        return Results.Json(rows.Select(s => new
        {
            domain = s.Domain, address = s.Address, reason = s.Reason, source = s.Source, createdAt = s.CreatedAt, expiresAt = s.ExpiresAt,
            messageId = s.MessageId, createdBy = s.CreatedBy, sentence = SuppressionService.Sentence(s),
        }));
    }

    static async Task<IResult> AddAsync(HttpContext http, SuppressionRequest request, ApiAuthentication auth, SuppressionService suppressions)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        var domain = request.Domain ?? (caller.Operator ? null : caller.Domain);
        if (domain is null)
            return ApiResults.BadRequest("Name the sending domain whose list it is (domain).");
        if (Refuse(caller, domain) is { } refused)
            return refused;
        if (request.Days is <= 0)
            return ApiResults.BadRequest("days must be 1 or more, or left out for a suppression that does not lapse.");
        try
        {
            var entry = await suppressions.AddAsync(domain, request.Address ?? "", request.Reason, caller.Mailbox ?? $"key of {caller.Domain}",
                request.Days is { } d ? TimeSpan.FromDays(d) : null, cancellationToken: http.RequestAborted);
            return Results.Json(new { domain = entry.Domain, address = entry.Address, sentence = SuppressionService.Sentence(entry) }, statusCode: StatusCodes.Status201Created);
        }
        catch (ArgumentException e)
        {
            return ApiResults.BadRequest(e.Message);
        }
    }

    static async Task<IResult> RemoveAsync(HttpContext http, string domain, string address, ApiAuthentication auth, SuppressionService suppressions)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        if (Refuse(caller, domain) is { } refused)
            return refused;
        try
        {
            return await suppressions.RemoveAsync(domain, address, http.RequestAborted)
                ? Results.NoContent()
                : ApiResults.NotFound($"{address} is not suppressed for {domain}.");
        }
        catch (ArgumentException e)
        {
            return ApiResults.BadRequest(e.Message);
        }
    }
}
