using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Outpost.Engine.Accounts;
using Outpost.Engine.Complaints;
using Outpost.Engine.Submission;

namespace Outpost.Web;

/// <summary>
/// /api/v1/complaints: the feedback mailbox. Operators see every complaint (unmatched ones too, with
/// the raw report) and may hand in a report; a domain key or domain admin sees the complaints about its
/// domain's mail and its complaint rate; a mailbox none (the rate is the domain's, not one sender's).
/// </summary>
public static class ComplaintEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/complaints", ListAsync);
        api.MapGet("/complaints/rate", RateAsync);
        api.MapGet("/complaints/{id:long}", GetAsync);
        api.MapGet("/complaints/{id:long}/raw", RawAsync);
        api.MapPost("/complaints", ReadAsync);
    }

    static IResult? Refuse(ApiCaller caller, string? domain) =>
        caller.Operator || caller.DomainWide && (domain is null || caller.OwnsDomain(domain))
            ? null
            : Results.Json(new { error = domain is null || !caller.DomainWide ? "Only a domain admin, a domain key or an operator may read complaints" : $"The domain {domain} is not yours." },
                statusCode: StatusCodes.Status403Forbidden);

    static async Task<IResult> ListAsync(HttpContext http, [FromQuery] string? domain, [FromQuery] string? status, [FromQuery] long? before, [FromQuery] int? limit,
        ApiAuthentication auth, ComplaintService complaints)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        if (Refuse(caller, domain) is { } refused)
            return refused;
        if (status is not null && !ComplaintStatuses.All.Contains(status))
            return ApiResults.BadRequest($"'{status}' is not a complaint status; use one of {string.Join(", ", ComplaintStatuses.All)}.");
        var scope = caller.Operator ? domain : caller.Domain;
        var rows = await complaints.ListAsync(new ComplaintQuery(scope, status, before, limit ?? 100), http.RequestAborted);
        return Results.Json(new { complaints = rows, nextBefore = rows.Count > 0 ? rows[^1].Id : (long?)null });
    }

    static async Task<IResult> GetAsync(HttpContext http, long id, ApiAuthentication auth, ComplaintService complaints)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        if (Refuse(caller, null) is { } refused)
            return refused;
        var complaint = await complaints.GetAsync(id, http.RequestAborted);
        // Another domain's complaint is "not found", exactly like one that does not exist.
        if (complaint is null || !caller.Operator && !string.Equals(complaint.SenderDomain, caller.Domain, StringComparison.OrdinalIgnoreCase))
            return ApiResults.NotFound($"There is no complaint {id}.");
        return Results.Json(complaint);
    }

    static async Task<IResult> RawAsync(HttpContext http, long id, ApiAuthentication auth, ComplaintService complaints)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        // The raw report carries the complainer's own mail headers: for operators only.
        if (!caller.Operator)
            return Results.Json(new { error = "Only an operator may read a raw report" }, statusCode: StatusCodes.Status403Forbidden);
        return await complaints.RawAsync(id, http.RequestAborted) is { } raw
            ? Results.Bytes(raw, "message/rfc822")
            : ApiResults.NotFound($"There is no complaint {id}.");
    }

    static async Task<IResult> RateAsync(HttpContext http, [FromQuery] string? domain, [FromQuery] int? days, ApiAuthentication auth, ComplaintService complaints)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        if (Refuse(caller, domain) is { } refused)
            return refused;
        if (days is <= 0 or > 3660)
            return ApiResults.BadRequest("days must be between 1 and 3660, or left out for the configured window.");
        var scope = caller.Operator ? domain : caller.Domain;
        var rates = await complaints.RatesAsync(scope, days is { } d ? TimeSpan.FromDays(d) : null, http.RequestAborted);
        return Results.Json(rates.Select(r => new
        {
            domain = r.Domain, complaints = r.Complaints, delivered = r.Delivered, rate = r.Rate, level = r.Level, since = r.Since, until = r.Until,
            sentence = r.Sentence(),
        }));
    }

    static async Task<IResult> ReadAsync(HttpContext http, ApiAuthentication auth, ComplaintReader reader)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        if (!caller.Operator)
            return Results.Json(new { error = "Only an operator may hand in a report; mailbox providers send theirs to the feedback address" },
                statusCode: StatusCodes.Status403Forbidden);
        var complaint = await reader.ReadAsync(http.Request.Body, new ReportOrigin(ReportOrigin.Api, By: caller.Mailbox), http.RequestAborted);
        return Results.Json(complaint, statusCode: StatusCodes.Status201Created);
    }
}
