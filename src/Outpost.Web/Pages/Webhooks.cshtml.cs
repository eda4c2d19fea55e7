using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Webhooks;
using Outpost.Web.Admin;

namespace Outpost.Web.Pages;

/// <summary>
/// For operators and domain admins: the webhook endpoints in the reader's scope (an operator every one,
/// global ones included; a domain admin its domain's), with their state and deliveries; add one (its
/// secret is shown once, in the answer to the POST, never kept in a cookie or TempData), pause, resume,
/// send a test event, remove; and the recent attempts with the answers that came.
/// </summary>
public sealed class WebhooksModel(WebhookService webhooks, ILogger<WebhooksModel> logger) : PageModel
{
    [BindProperty(Name = "Url")] public string EndpointUrl { get; set; } = "";
    [BindProperty] public string? Domain { get; set; }
    [BindProperty] public List<string> Events { get; set; } = [];

    public IReadOnlyList<WebhookEndpoint> Endpoints { get; private set; } = [];
    public IReadOnlyDictionary<long, WebhookStats> Stats { get; private set; } = new Dictionary<long, WebhookStats>();
    public IReadOnlyList<(long Endpoint, WebhookAttemptEntry Attempt)> Recent { get; private set; } = [];
    public string? NewSecret { get; private set; }
    public long? NewId { get; private set; }
    public string? Error { get; private set; }
    public bool Operator => User.IsInRole(AdminRoles.Operator);

    /// <summary>Null for an operator (every endpoint); a domain admin's own domain.</summary>
    string? Scope => Operator ? null : User.Caller().Domain.ToLowerInvariant();

    public async Task OnGetAsync()
    {
        var ct = HttpContext.RequestAborted;
        Endpoints = await webhooks.ListAsync(Scope, ct);
        Stats = await webhooks.StatsAsync(ct);
        var recent = new List<(long, WebhookAttemptEntry)>();
        foreach (var endpoint in Endpoints.Take(50))
            foreach (var attempt in await webhooks.AttemptsAsync(Scope, endpoint.Id, 10, ct) ?? [])
                recent.Add((endpoint.Id, attempt));
        Recent = recent.OrderByDescending(r => r.Item2.At).Take(30).ToList();
    }

    public async Task<IActionResult> OnPostAddAsync()
    {
        try
        {
            var (endpoint, secret) = await webhooks.AddAsync(Scope, Operator ? Domain : Scope, EndpointUrl, Events.Count == 0 ? null : string.Join(',', Events.Take(50)),
                User.Identity!.Name!, HttpContext.RequestAborted);
            logger.LogInformation("Webhook endpoint {Id} for {Domain} added by {User}", endpoint.Id, endpoint.Domain ?? "every domain", User.Identity?.Name);
            NewSecret = secret;
            NewId = endpoint.Id;
            Response.Headers.CacheControl = "no-store";
        }
        catch (ArgumentException e)
        {
            Error = e.Message;
        }
        await OnGetAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostPauseAsync(long id)
    {
        TempData["Flash"] = await webhooks.PauseAsync(Scope, id, User.Identity!.Name!, HttpContext.RequestAborted)
            ? $"Webhook endpoint {id} is paused; its events wait until you resume it."
            : WebhookService.NotFound(id);
        return Redirect("/webhooks");
    }

    public async Task<IActionResult> OnPostResumeAsync(long id)
    {
        TempData["Flash"] = await webhooks.ResumeAsync(Scope, id, HttpContext.RequestAborted) is { } waiting
            ? $"Webhook endpoint {id} is resumed; {waiting} waiting deliver{(waiting == 1 ? "y goes" : "ies go")} now."
            : WebhookService.NotFound(id);
        return Redirect("/webhooks");
    }

    public async Task<IActionResult> OnPostTestAsync(long id)
    {
        TempData["Flash"] = await webhooks.TestAsync(Scope, id, HttpContext.RequestAborted) is var (webhookId, response)
            ? response.Succeeded
                ? $"Test event {webhookId} delivered to endpoint {id}: {response.Summary}."
                : $"Test event {webhookId} to endpoint {id} failed: {response.Summary}."
            : WebhookService.NotFound(id);
        return Redirect("/webhooks");
    }

    public async Task<IActionResult> OnPostRemoveAsync(long id)
    {
        var removed = await webhooks.RemoveAsync(Scope, id, HttpContext.RequestAborted);
        if (removed)
            logger.LogInformation("Webhook endpoint {Id} removed by {User}", id, User.Identity?.Name);
        TempData["Flash"] = removed ? $"Webhook endpoint {id} is removed." : WebhookService.NotFound(id);
        return Redirect("/webhooks");
    }
}
