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

    public Task<IActionResult> OnPostRetryAsync(string id) => Act(id, QueueAction.Retry);

    public Task<IActionResult> OnPostHoldAsync(string id) => Act(id, QueueAction.Hold);

    public Task<IActionResult> OnPostReleaseAsync(string id) => Act(id, QueueAction.Release);

    public async Task<IActionResult> OnPostFlushAsync()
    {
        var (count, sentence) = await QueueActions.RetryAllAsync(queue, time.GetUtcNow(), HttpContext.RequestAborted);
        logger.LogInformation("Queue flush by {Operator}: {Count} recipient(s)", User.Identity?.Name, count);
        TempData["Flash"] = sentence;
        return Redirect("/queue");
    }

    async Task<IActionResult> Act(string id, QueueAction action)
    {
        id ??= "";
        var (count, sentence) = await QueueActions.ApplyAsync(queue, action, id, time.GetUtcNow(), HttpContext.RequestAborted);
        if (count > 0)
            logger.LogInformation("Queue {Action} of {MessageId} by {Operator}: {Count} recipient(s)", action, id.Trim().ToUpperInvariant(), User.Identity?.Name, count);
        TempData["Flash"] = sentence;
        return Redirect("/queue");
    }
}
