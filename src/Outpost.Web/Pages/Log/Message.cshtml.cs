using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Outpost.Engine.SendLog;
using Outpost.Web.Admin;

namespace Outpost.Web.Pages.Log;

/// <summary>
/// One message: each recipient's status and the timeline of every try, with the reply that explains it
/// (F3). A message outside the reader's scope is "not found", exactly like one that does not exist.
/// </summary>
public sealed class MessageModel(ISendLog log) : PageModel
{
    public MessageReport Report { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string id)
    {
        var report = await log.GetReportAsync(id.Trim().ToUpperInvariant(), HttpContext.RequestAborted);
        if (report is null || !User.Caller().CanSee(report.Message))
            return NotFound();
        Report = report;
        return Page();
    }
}
