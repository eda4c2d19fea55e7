using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Accounts;
using Outpost.Web.Admin;

namespace Outpost.Web.Pages;

/// <summary>
/// API keys in the reader's scope: a user's own mailbox keys; a domain admin's domain key and its
/// mailboxes' keys; an operator's all. A new key's secret is shown once in the answer to the POST
/// (never stored in a cookie or TempData); revoking is immediate.
/// </summary>
public sealed class KeysModel(ApiKeys keys, IApiKeyStore store, TimeProvider time, ILogger<KeysModel> logger) : PageModel
{
    [BindProperty] public string Scope { get; set; } = "mailbox";
    [BindProperty] public string Id { get; set; } = "";

    public IReadOnlyList<ApiKey> Keys { get; private set; } = [];
    public string? NewSecret { get; private set; }
    public string? Error { get; private set; }

    public async Task OnGetAsync() => Keys = (await store.ListAsync(HttpContext.RequestAborted)).Where(InScope).OrderByDescending(k => k.CreatedAt).ToList();

    public async Task<IActionResult> OnPostCreateAsync()
    {
        var caller = User.Caller();
        if (Scope == "domain" && !User.Manages())
            return Forbid();
        ApiKey key;
        string secret;
        try
        {
            (key, secret) = await keys.CreateAsync(Scope == "domain" ? "domain" : "mailbox", Scope == "domain" ? caller.Domain : caller.Mailbox!, HttpContext.RequestAborted);
        }
        catch (AccountException ex)
        {
            Error = ex.Message;
            await OnGetAsync();
            return Page();
        }
        logger.LogInformation("API key {KeyId} for {Scope} {Subject} made by {User}", key.Id, key.Scope, key.Subject, User.Identity?.Name);
        NewSecret = secret;
        Response.Headers.CacheControl = "no-store";
        await OnGetAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync()
    {
        var key = await store.GetAsync(Id.Trim(), HttpContext.RequestAborted);
        if (key is null || !InScope(key))
            return NotFound();
        await store.RevokeAsync(key.Id, time.GetUtcNow(), HttpContext.RequestAborted);
        logger.LogInformation("API key {KeyId} revoked by {User}", key.Id, User.Identity?.Name);
        TempData["Flash"] = $"The key op_{key.Id}_… is revoked; calls with it now get 401.";
        return Redirect("/keys");
    }

    bool InScope(ApiKey key)
    {
        var caller = User.Caller();
        if (caller.Operator)
            return true;
        if (caller.DomainWide)
            return key.Subject == caller.Domain || key.Subject.EndsWith("@" + caller.Domain, StringComparison.Ordinal);
        return key.Scope == "mailbox" && key.Subject == caller.Mailbox;
    }
}
