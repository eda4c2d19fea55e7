using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Outpost.Engine.Audit;
using Outpost.Engine.Operations;
using Outpost.Engine.Queue;
using Outpost.Web.Admin;

namespace Outpost.Web.Pages;

/// <summary>
/// What waits in the queue, for operators (everything) and domain admins (their domain's senders): the
/// selection's filters, the summary per destination and age, the waiting recipients with retry, hold and
/// release per message, an action on the whole filtered selection with a reason (hold, release, retry,
/// delete, bounce; a dry run first if wanted), and the audit trail of queue actions. Every action goes
/// through <see cref="QueueOperations"/> with the signed-in person as the actor, as the CLI and API do.
/// </summary>
public sealed class QueueModel(QueueOperations operations, IQueueStore queue, IAuditStore audit) : PageModel
{
    [BindProperty(SupportsGet = true)] public string? Message { get; set; }
    [BindProperty(SupportsGet = true)] public string? Domain { get; set; }
    [BindProperty(SupportsGet = true)] public string? Sender { get; set; }
    [BindProperty(SupportsGet = true)] public string? Channel { get; set; }
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true)] public string? OlderThan { get; set; }
    [BindProperty(SupportsGet = true)] public string? By { get; set; }

    [BindProperty] public string? Action { get; set; }
    [BindProperty] public string? Reason { get; set; }
    [BindProperty] public bool DryRun { get; set; }
    [BindProperty] public bool All { get; set; }

    public bool Operator => User.IsInRole(AdminRoles.Operator);

    /// <summary>Whether the person typed any criterion (a domain admin's selection always keeps to its senders, typed or not).</summary>
    public bool Filtered => new[] { Message, Domain, Sender, Channel, Status, OlderThan }.Any(v => !string.IsNullOrWhiteSpace(v));
    public QueueSelection? Selection { get; private set; }
    public IReadOnlyList<WaitingRecipient> Waiting { get; private set; } = [];
    public QueueSummary? Summary { get; private set; }
    public IReadOnlyDictionary<string, int> Depth { get; private set; } = new Dictionary<string, int>();
    public IReadOnlyList<AuditEntry> History { get; private set; } = [];
    public string? Error { get; private set; }

    /// <summary>The actions offered on a selection, in the order of the form.</summary>
    public static readonly IReadOnlyList<QueueAction> Actions = [QueueAction.Hold, QueueAction.Release, QueueAction.Retry, QueueAction.Delete, QueueAction.Bounce];

    public async Task OnGetAsync()
    {
        var caller = User.Caller();
        History = await audit.ListAsync(new AuditQuery(AuditActions.Queue, Domain: QueueAccess.AuditDomain(caller, null), Limit: 50), HttpContext.RequestAborted);
        if (Operator)
            Depth = await queue.DepthAsync(HttpContext.RequestAborted);
        if (Read(out var error) is not { } selection)
        {
            Error = error;
            return;
        }
        Selection = selection;
        if (QueueSummary.ParseGrouping(By, out error) is not { } grouping)
        {
            Error = error;
            return;
        }
        Summary = await operations.SummaryAsync(selection, grouping, 20, HttpContext.RequestAborted);
        Waiting = await operations.ListAsync(selection, 500, HttpContext.RequestAborted);
    }

    /// <summary>An action on the filtered selection (the filters come back as hidden fields).</summary>
    public async Task<IActionResult> OnPostActAsync()
    {
        if (QueueActions.Parse(Action) is not { } action)
            return Refuse(QueueActions.Unknown(Action));
        // "All" is said on purpose, before a domain admin's selection is kept to the domain's senders.
        if (QueueSelection.Parse(Message, Domain, Sender, Channel, Status, OlderThan, All, out var error) is not { } parsed)
            return Refuse(error!);
        if (parsed.NeedsCriteria() is { } criteria)
            return Refuse(criteria);
        if (QueueAccess.Scope(User.Caller(), parsed, out error) is not { } selection)
            return Refuse(error!);
        var result = await RunAsync(action, selection, Reason, DryRun);
        return result.Refused ? Refuse(result.Sentence) : Answer(result.Sentence);
    }

    /// <summary>Retry, hold or release of one message, from its row.</summary>
    public async Task<IActionResult> OnPostRowAsync(string id, string action)
    {
        if (QueueActions.Parse(action) is not { } what || QueueActions.NeedsReason(what))
            return Refuse(QueueActions.Unknown(action));
        if (QueueSelection.Parse(id, null, null, null, null, null, false, out var error) is not { } selection)
            return Refuse(error!);
        if (QueueAccess.Scope(User.Caller(), selection, out error) is not { } scoped)
            return Refuse(error!);
        return Answer((await RunAsync(what, scoped, null, false)).Sentence);
    }

    Task<QueueOperationResult> RunAsync(QueueAction action, QueueSelection selection, string? reason, bool dryRun) =>
        operations.RunAsync(new QueueOperationRequest(action, selection, new AuditActor(User.Identity!.Name!, AuditActor.Web), reason, dryRun), HttpContext.RequestAborted);

    /// <summary>The filters as a selection within the signed-in person's reach.</summary>
    QueueSelection? Read(out string? error)
    {
        var parsed = QueueSelection.Parse(Message, Domain, Sender, Channel, Status, OlderThan, false, out error);
        return parsed is null ? null : QueueAccess.Scope(User.Caller(), parsed, out error);
    }

    /// <summary>Back to the same filters, with the sentence.</summary>
    IActionResult Answer(string sentence)
    {
        TempData["Flash"] = sentence;
        return RedirectToPage(new { Message, Domain, Sender, Channel, Status, OlderThan, By });
    }

    /// <summary>Back to the same filters, with the sentence as a refusal.</summary>
    IActionResult Refuse(string sentence)
    {
        TempData["Refusal"] = sentence;
        return RedirectToPage(new { Message, Domain, Sender, Channel, Status, OlderThan, By });
    }
}
