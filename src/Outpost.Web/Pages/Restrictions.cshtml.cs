using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Outpost.Engine.Audit;
using Outpost.Engine.Policy;
using Outpost.Web.Admin;

namespace Outpost.Web.Pages;

/// <summary>
/// Restrictions in the reader's scope (an operator all; a domain admin its domain and mailboxes; a user
/// its own mailbox and domain) and their audit trail. Only an operator lifts one, with a reason that is
/// kept with the operator's address.
/// </summary>
public sealed class RestrictionsModel(IPolicyStore store, IAuditStore audit, TimeProvider time) : PageModel
{
    [BindProperty(SupportsGet = true)] public bool All { get; set; }
    [BindProperty] public string Subject { get; set; } = "";
    [BindProperty] public string Reason { get; set; } = "";

    public IReadOnlyList<Restriction> Restrictions { get; private set; } = [];
    public IReadOnlyList<AuditEntry> History { get; private set; } = [];
    public string? Error { get; private set; }

    public async Task OnGetAsync()
    {
        Restrictions = (await store.RestrictionsAsync(All, HttpContext.RequestAborted)).Where(r => InScope(r.Subject)).ToList();
        History = (await audit.ListAsync(new AuditQuery(AuditActions.Restrictions, Limit: 2000), HttpContext.RequestAborted))
            .Where(e => InScope(e.Target)).Take(200).Reverse().ToList();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (!User.IsInRole(AdminRoles.Operator))
            return Forbid();
        if (string.IsNullOrWhiteSpace(Reason) || Reason.Length > 500 || Reason.Any(char.IsControl))
        {
            Error = "Say in one line of at most 500 characters why the restriction is lifted; the reason is kept in the history.";
            await OnGetAsync();
            return Page();
        }
        var subject = Subject.Trim().ToLowerInvariant();
        var lifted = await store.LiftAsync(subject, new AuditActor(User.Identity!.Name!, AuditActor.Web), Reason.Trim(), time.GetUtcNow(), HttpContext.RequestAborted);
        TempData["Flash"] = lifted is null ? $"{subject} has no active restriction." : $"The restriction of {subject} is lifted.";
        return Redirect("/restrictions");
    }

    bool InScope(string subject)
    {
        var caller = User.Caller();
        if (caller.Operator)
            return true;
        var domain = subject.Contains('@') ? subject[(subject.IndexOf('@') + 1)..] : subject;
        if (!string.Equals(domain, caller.Domain, StringComparison.OrdinalIgnoreCase))
            return false;
        return caller.DomainWide || !subject.Contains('@') || string.Equals(subject, caller.Mailbox, StringComparison.OrdinalIgnoreCase);
    }
}
