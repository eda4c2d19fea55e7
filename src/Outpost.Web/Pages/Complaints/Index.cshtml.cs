using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Outpost.Engine.Complaints;
using Outpost.Web.Admin;

namespace Outpost.Web.Pages.Complaints;

/// <summary>
/// For operators and domain admins: the complaint rate of each sending domain in the reader's scope
/// against the providers' thresholds, and the complaints themselves with what came of each (the
/// message, the complainer, or why it could not be matched). An operator also sees the unmatched
/// reports, which belong to no domain, and may hand in a report file someone forwarded to them.
/// </summary>
public sealed class ComplaintsModel(ComplaintService complaints, ComplaintReader reader) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Domain { get; set; }
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty] public IFormFile? Report { get; set; }

    public IReadOnlyList<Complaint> Complaints { get; private set; } = [];
    public IReadOnlyList<ComplaintRate> Rates { get; private set; } = [];
    public string? Error { get; private set; }
    public bool Operator => User.IsInRole(AdminRoles.Operator);

    /// <summary>The sending domain the reader looks at: any for an operator (none means all), the own for a domain admin.</summary>
    string? Scope => Operator ? (string.IsNullOrWhiteSpace(Domain) ? null : Domain.Trim().ToLowerInvariant()) : User.Caller().Domain;

    public async Task OnGetAsync()
    {
        if (Status is { Length: > 0 } status && !ComplaintStatuses.All.Contains(status))
        {
            Error = $"'{status}' is not a complaint status; use one of {string.Join(", ", ComplaintStatuses.All)}.";
            Status = null;
        }
        Complaints = await complaints.ListAsync(new ComplaintQuery(Scope, string.IsNullOrEmpty(Status) ? null : Status, Limit: 200), HttpContext.RequestAborted);
        Rates = await complaints.RatesAsync(Scope, cancellationToken: HttpContext.RequestAborted);
    }

    public async Task<IActionResult> OnPostReadAsync()
    {
        if (!Operator)
            return Forbid();
        if (Report is not { Length: > 0 } file)
        {
            Error = "Choose the report to read: a message file (.eml) as it arrived or as someone forwarded it.";
            await OnGetAsync();
            return Page();
        }
        await using var stream = file.OpenReadStream();
        var complaint = await reader.ReadAsync(stream, new ReportOrigin(ReportOrigin.Web, By: User.Identity!.Name), HttpContext.RequestAborted);
        TempData["Flash"] = $"Complaint {complaint.Id} ({complaint.Status}): {complaint.Explanation}";
        return Redirect($"/complaints/{complaint.Id}");
    }

    public static string Badge(string status) => status switch
    {
        ComplaintStatuses.Matched => "badge bad",
        ComplaintStatuses.Unmatched => "badge wait",
        _ => "badge hold",
    };

    public static string Badge(ComplaintRate rate) => rate.Level switch
    {
        "bad" => "badge bad",
        "warning" => "badge wait",
        "ok" => "badge good",
        _ => "badge hold",
    };
}
