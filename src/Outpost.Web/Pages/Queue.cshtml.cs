using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Logging;
using Outpost.Engine.Queue;

namespace Outpost.Web.Pages;

/// <summary>
/// For operators: what waits in the queue (queued, deferred, being delivered, held), and retry now,
/// hold and release per message. Each action is logged with who did it.
/// </summary>
public sealed class QueueModel(IQueueStore queue, TimeProvider time, ILogger<QueueModel> logger) : PageModel
{
    public IReadOnlyList<QueuedRecipient> Waiting { get; private set; } = [];
    public IReadOnlyDictionary<string, int> Depth { get; private set; } = new Dictionary<string, int>();

    public async Task OnGetAsync()
    {
        Waiting = await queue.ListOpenAsync(500, HttpContext.RequestAborted);
        Depth = await queue.DepthAsync(HttpContext.RequestAborted);
    }

    public Task<IActionResult> OnPostRetryAsync(string id) =>
        Act(id, "retry", queue.RetryNowAsync(Id(id), time.GetUtcNow(), HttpContext.RequestAborted), "{0} recipient(s) of {1} will be tried again now.", "No deferred recipient of {1} is waiting.");

    public Task<IActionResult> OnPostHoldAsync(string id) =>
        Act(id, "hold", queue.HoldAsync(Id(id), time.GetUtcNow(), HttpContext.RequestAborted), "{0} recipient(s) of {1} are held.", "No waiting recipient of {1} can be held.");

    public Task<IActionResult> OnPostReleaseAsync(string id) =>
        Act(id, "release", queue.ReleaseAsync(Id(id), time.GetUtcNow(), HttpContext.RequestAborted), "{0} recipient(s) of {1} are released and will be tried now.", "No recipient of {1} is held.");

    public async Task<IActionResult> OnPostFlushAsync()
    {
        var count = await queue.RetryNowAsync(null, time.GetUtcNow(), HttpContext.RequestAborted);
        logger.LogInformation("Queue flush by {Operator}: {Count} recipient(s)", User.Identity?.Name, count);
        TempData["Flash"] = $"{count} deferred recipient(s) will be tried again now.";
        return Redirect("/queue");
    }

    async Task<IActionResult> Act(string id, string action, Task<int> work, string done, string none)
    {
        var count = await work;
        logger.LogInformation("Queue {Action} of {MessageId} by {Operator}: {Count} recipient(s)", action, Id(id), User.Identity?.Name, count);
        TempData["Flash"] = string.Format(System.Globalization.CultureInfo.InvariantCulture, count > 0 ? done : none, count, Id(id));
        return Redirect("/queue");
    }

    static string Id(string id) => (id ?? "").Trim().ToUpperInvariant();
}
