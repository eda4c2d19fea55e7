using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Outpost.Engine.Accounts;
using Outpost.Engine.Domains;
using Outpost.Web.Admin;

namespace Outpost.Web.Pages.Domains;

/// <summary>The domains a person may see (an operator all, others their own), each with its sending-record state; operators add domains here.</summary>
public sealed class DomainsModel(IAccountStore store, AccountService accounts, DomainDnsVerifier verifier) : PageModel
{
    public IReadOnlyList<(HostedDomain Domain, DomainDnsReport Report)> Domains { get; private set; } = [];
    public string? Error { get; private set; }

    [BindProperty] public string Name { get; set; } = "";
    [BindProperty] public string Plan { get; set; } = "paid";

    public async Task OnGetAsync()
    {
        var caller = User.Caller();
        var domains = caller.Operator
            ? await store.ListDomainsAsync(HttpContext.RequestAborted)
            : await store.GetDomainAsync(caller.Domain, HttpContext.RequestAborted) is { } own ? [own] : [];
        var rows = new List<(HostedDomain, DomainDnsReport)>();
        foreach (var domain in domains)
            rows.Add((domain, await verifier.ReportAsync(domain.Name, HttpContext.RequestAborted)));
        Domains = rows;
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!User.IsInRole(AdminRoles.Operator))
            return Forbid();
        try
        {
            if (!Enum.TryParse<Plan>(Plan, ignoreCase: true, out var plan))
                throw new AccountException("The plan is free or paid.");
            var domain = await accounts.AddDomainAsync(Name, plan, HttpContext.RequestAborted);
            TempData["Flash"] = $"{domain.Name} is added. Publish the records below, then check them.";
            return Redirect($"/domains/{domain.Name}");
        }
        catch (AccountException ex)
        {
            Error = ex.Message;
            await OnGetAsync();
            return Page();
        }
    }
}
