using System.Text;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Outpost.Engine.Complaints;
using Outpost.Web.Admin;

namespace Outpost.Web.Pages.Complaints;

/// <summary>
/// One complaint: what the report said, what it was matched to and why (or why not). The raw report is
/// shown to operators only (its first <see cref="ShownBytes"/> bytes), since it carries the complainer's
/// own copy of the mail. Another domain's complaint is "not found", like one that does not exist.
/// </summary>
public sealed class ComplaintModel(ComplaintService complaints) : PageModel
{
    public const int ShownBytes = 64 * 1024;

    public Complaint Complaint { get; private set; } = null!;
    public string? Raw { get; private set; }
    public bool RawCut { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id)
    {
        var complaint = await complaints.GetAsync(id, HttpContext.RequestAborted);
        var caller = User.Caller();
        if (complaint is null || !caller.Operator && !string.Equals(complaint.SenderDomain, caller.Domain, StringComparison.OrdinalIgnoreCase))
            return NotFound();
        Complaint = complaint;
        if (caller.Operator && await complaints.RawAsync(id, HttpContext.RequestAborted) is { } raw)
        {
            RawCut = raw.Length > ShownBytes || complaint.RawTruncated;
            // Latin-1 shows every byte as some character: a report in any charset stays readable and nothing is dropped.
            Raw = Encoding.Latin1.GetString(raw, 0, Math.Min(raw.Length, ShownBytes));
        }
        return Page();
    }
}
