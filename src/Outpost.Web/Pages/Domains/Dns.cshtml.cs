using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Outpost.Engine.Accounts;
using Outpost.Engine.Domains;
using Outpost.Engine.Signing;
using Outpost.Web.Admin;

namespace Outpost.Web.Pages.Domains;

/// <summary>
/// A domain's sending records (S2): what to publish, with copy buttons, and the live status of each;
/// a domain admin or operator can check now and rotate the DKIM keys. Another domain is "not found".
/// </summary>
public sealed class DnsModel(IAccountStore accounts, IDomainDnsStore dnsStore, DomainDnsVerifier verifier, DkimKeyManager dkim) : PageModel
{
    public DomainDnsReport Report { get; private set; } = null!;
    public IReadOnlyList<DkimKey> Keys { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string name)
    {
        if (await Find(name) is not { } domain)
            return NotFound();
        await Load(domain, check: false);
        return Page();
    }

    public async Task<IActionResult> OnPostCheckAsync(string name)
    {
        if (await Find(name) is not { } domain)
            return NotFound();
        if (!User.Manages())
            return Forbid();
        await Load(domain, check: true);
        TempData["Flash"] = Report.Ready ? "Checked: every required record is in place." : $"Checked: {Report.FirstProblem?.Sentence}";
        return Redirect($"/domains/{domain}");
    }

    public async Task<IActionResult> OnPostRotateAsync(string name)
    {
        if (await Find(name) is not { } domain)
            return NotFound();
        if (!User.Manages())
            return Forbid();
        var made = await dkim.RotateAsync(domain, HttpContext.RequestAborted);
        TempData["Flash"] = $"New DKIM key(s) {string.Join(", ", made.Select(k => k.Selector))} are pending: publish their records below; they sign once seen in DNS.";
        return Redirect($"/domains/{domain}");
    }

    async Task<string?> Find(string name)
    {
        var domain = name.Trim().ToLowerInvariant();
        if (!User.Caller().OwnsDomain(domain))
            return null;
        return await accounts.GetDomainAsync(domain, HttpContext.RequestAborted) is null ? null : domain;
    }

    async Task Load(string domain, bool check)
    {
        Report = check ? await verifier.CheckAsync(domain, HttpContext.RequestAborted) : await verifier.ReportAsync(domain, HttpContext.RequestAborted);
        Keys = (await dnsStore.KeysAsync(domain, HttpContext.RequestAborted)).Where(k => k.State != DkimKeyState.Retired).ToList();
    }
}
