using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Outpost.Engine.Suppression;
using Outpost.Web.Admin;

namespace Outpost.Web.Pages;

/// <summary>
/// For operators and domain admins: the suppression lists in the reader's scope (an operator every
/// domain's, a domain admin its own). Addresses that bounced for good are here with the reply that put
/// them here; they can be searched, added and removed. The sentence a sender sees is shown beside each.
/// </summary>
public sealed class SuppressionsModel(SuppressionService suppressions) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Search { get; set; }
    [BindProperty(SupportsGet = true)] public string? Domain { get; set; }
    [BindProperty] public string Address { get; set; } = "";
    [BindProperty] public string? Reason { get; set; }

    public IReadOnlyList<Suppression> Entries { get; private set; } = [];
    public string? Error { get; private set; }
    public bool Operator => User.IsInRole(AdminRoles.Operator);

    /// <summary>The domain whose list the reader acts on: any for an operator (none means all), the own for a domain admin.</summary>
    string? Scope => Operator ? (string.IsNullOrWhiteSpace(Domain) ? null : Domain.Trim().ToLowerInvariant()) : User.Caller().Domain;

    public async Task OnGetAsync() => Entries = await suppressions.ListAsync(Scope, Search, 500, HttpContext.RequestAborted);

    public async Task<IActionResult> OnPostAddAsync()
    {
        if (Scope is not { } domain)
        {
            Error = "Name the sending domain whose list the address goes on.";
            await OnGetAsync();
            return Page();
        }
        try
        {
            var reason = string.IsNullOrWhiteSpace(Reason) ? null : new string(Reason.Trim().Where(c => !char.IsControl(c)).Take(500).ToArray());
            var entry = await suppressions.AddAsync(domain, Address, reason, User.Identity!.Name!, cancellationToken: HttpContext.RequestAborted);
            TempData["Flash"] = $"{entry.Address} is suppressed for {entry.Domain}.";
            return Redirect(Operator ? $"/suppressions?domain={Uri.EscapeDataString(entry.Domain)}" : "/suppressions");
        }
        catch (ArgumentException e)
        {
            Error = e.Message;
            await OnGetAsync();
            return Page();
        }
    }

    public async Task<IActionResult> OnPostRemoveAsync(string domain, string address)
    {
        if (!Operator && !string.Equals(domain, User.Caller().Domain, StringComparison.OrdinalIgnoreCase))
            return Forbid();
        var removed = await suppressions.RemoveAsync(domain, address, HttpContext.RequestAborted);
        TempData["Flash"] = removed ? $"{address} is no longer suppressed for {domain}." : $"{address} was not suppressed for {domain}.";
        return Redirect("/suppressions");
    }
}
