using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Outpost.Engine.Accounts;
using Outpost.Engine.Domains;
using Outpost.Engine.Policy;

namespace Outpost.Web;

/// <summary>/api/v1/domains/{domain}/dns (S2) and /api/v1/check (F2), for the caller's own domain.</summary>
public static class DomainEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/domains", ListAsync);
        api.MapPost("/domains", AddAsync);
        api.MapGet("/domains/{domain}/dns", (HttpContext http, string domain, ApiAuthentication auth, IAccountStore accounts, DomainDnsVerifier verifier) =>
            DnsAsync(http, domain, auth, accounts, verifier, check: false));
        api.MapPost("/domains/{domain}/dns/check", (HttpContext http, string domain, ApiAuthentication auth, IAccountStore accounts, DomainDnsVerifier verifier) =>
            DnsAsync(http, domain, auth, accounts, verifier, check: true));
        api.MapPost("/check", CheckAsync);
    }

    static async Task<IResult> ListAsync(HttpContext http, ApiAuthentication auth, IAccountStore accounts)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        var domains = caller.Operator
            ? await accounts.ListDomainsAsync(http.RequestAborted)
            : (await accounts.GetDomainAsync(caller.Domain, http.RequestAborted)) is { } own ? [own] : [];
        return Results.Json(domains.Select(d => new { name = d.Name, plan = d.Plan.ToString().ToLowerInvariant(), createdAt = d.CreatedAt }));
    }

    static async Task<IResult> AddAsync(HttpContext http, AddDomainRequest request, ApiAuthentication auth, AccountService accounts)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        if (!caller.Operator)
            return Results.Json(new { error = "Only an operator may add domains" }, statusCode: StatusCodes.Status403Forbidden);
        if (!Enum.TryParse<Plan>(request.Plan ?? "paid", ignoreCase: true, out var plan))
            return ApiResults.BadRequest("The plan is free or paid.");
        try
        {
            var domain = await accounts.AddDomainAsync(request.Name ?? "", plan, http.RequestAborted);
            return Results.Json(new { name = domain.Name, plan = domain.Plan.ToString().ToLowerInvariant(), createdAt = domain.CreatedAt, dns = $"/api/v1/domains/{domain.Name}/dns" },
                statusCode: StatusCodes.Status201Created);
        }
        catch (AccountException ex)
        {
            return Results.Json(new { error = ex.Message }, statusCode: StatusCodes.Status422UnprocessableEntity);
        }
    }

    static async Task<IResult> DnsAsync(HttpContext http, string domain, ApiAuthentication auth, IAccountStore accounts, DomainDnsVerifier verifier, bool check)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        if (!caller.OwnsDomain(domain))
            return ApiResults.NotFound($"The domain {domain} is not yours.");
        var name = domain.Trim().ToLowerInvariant();
        if (await accounts.GetDomainAsync(name, http.RequestAborted) is null)
            return ApiResults.NotFound($"The domain {domain} is not hosted here.");
        var report = check ? await verifier.CheckAsync(name, http.RequestAborted) : await verifier.ReportAsync(name, http.RequestAborted);
        return Results.Json(new
        {
            domain = report.Domain, ready = report.Ready, checkedAt = report.CheckedAt, validSince = report.ValidSince,
            records = report.Records.Select(r => new
            {
                kind = r.Kind.ToString().ToLowerInvariant(), name = r.Name, type = r.Type, value = r.Value, strings = r.ValueStrings, required = r.Required,
                status = r.Status.ToString().ToLowerInvariant(), sentence = r.Sentence, found = r.Found, firstValidAt = r.FirstValidAt,
            }),
        });
    }

    static async Task<IResult> CheckAsync(HttpContext http, [FromQuery] string from, [FromQuery] string[] to, ApiAuthentication auth, Preflight preflight)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, http.RequestAborted);
        body.Position = 0;
        try
        {
            var report = await preflight.CheckAsync(body, body.Length, from, to, http.RequestAborted);
            return Results.Json(new
            {
                wouldSend = report.WouldSend, verdict = report.Verdict, checks = report.Checks,
                decision = report.Decision,
                model = report.Model,
                probabilities = report.Probabilities,
                content = report.Content.Select(c => new { @class = c.Class.Code(), fired = c.Fired, held = c.Held, score = c.Score, signals = c.Signals }),
                advice = report.Advice,
            });
        }
        catch (ArgumentException ex)
        {
            return ApiResults.BadRequest(ex.Message);
        }
    }
}
