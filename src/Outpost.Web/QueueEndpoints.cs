using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Outpost.Engine.Audit;
using Outpost.Engine.Operations;
using Outpost.Engine.Queue;

namespace Outpost.Web;

/// <summary>
/// /api/v1/queue: what waits (filtered by the same selection as <c>outpost queue list</c>), the summary per
/// destination and age, and the operator's actions (hold, release, retry, delete, bounce) on a selection,
/// each audited with the key's owner (or the mailbox) as the actor. Operators reach the whole queue, a
/// domain admin or domain key only its own domain's senders; the sentences are those of the CLI.
/// </summary>
public static class QueueEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapGet("/queue", ListAsync);
        api.MapGet("/queue/summary", SummaryAsync);
        api.MapPost("/queue/{action}", ActAsync);
    }

    static IResult Forbidden(string sentence) => Results.Json(new { error = sentence }, statusCode: StatusCodes.Status403Forbidden);

    static async Task<IResult> ListAsync(HttpContext http, [FromQuery] string? message, [FromQuery] string? domain, [FromQuery] string? sender,
        [FromQuery] string? channel, [FromQuery] string? status, [FromQuery] string? olderThan, [FromQuery] int? limit, ApiAuthentication auth, QueueOperations operations)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        if (!QueueAccess.MayUse(caller))
            return Forbidden(QueueAccess.NotAllowed);
        if (QueueSelection.Parse(message, domain, sender, channel, status, olderThan, all: false, out var error) is not { } selection)
            return ApiResults.BadRequest(error!);
        if (QueueAccess.Scope(caller, selection, out error) is not { } scoped)
            return Forbidden(error!);
        var waiting = await operations.ListAsync(scoped, Math.Clamp(limit ?? 200, 1, 10_000), http.RequestAborted);
        return Results.Json(new
        {
            selection = scoped.ToString(),
            items = waiting.Select(w => new
            {
                id = w.Recipient.MessageId, recipient = w.Recipient.Address, sender = w.Sender.Length == 0 ? "<>" : w.Sender, status = w.Recipient.Status.ToName(),
                attempts = w.Recipient.Attempts, receivedAt = w.ReceivedAt,
                nextAttemptAt = w.Recipient.Status == RecipientStatus.Held ? (DateTimeOffset?)null : w.Recipient.NextAttemptAt, lastReply = w.Recipient.LastReply,
            }),
        });
    }

    static async Task<IResult> SummaryAsync(HttpContext http, [FromQuery] string? by, [FromQuery] int? top, [FromQuery] string? message, [FromQuery] string? domain,
        [FromQuery] string? sender, [FromQuery] string? channel, [FromQuery] string? status, [FromQuery] string? olderThan, ApiAuthentication auth,
        QueueOperations operations)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        if (!QueueAccess.MayUse(caller))
            return Forbidden(QueueAccess.NotAllowed);
        if (QueueSelection.Parse(message, domain, sender, channel, status, olderThan, all: false, out var error) is not { } selection)
            return ApiResults.BadRequest(error!);
        if (QueueAccess.Scope(caller, selection, out error) is not { } scoped)
            return Forbidden(error!);
        if (QueueSummary.ParseGrouping(by, out error) is not { } grouping)
            return ApiResults.BadRequest(error!);
        var summary = await operations.SummaryAsync(scoped, grouping, top ?? 20, http.RequestAborted);
        return Results.Json(new
        {
            by = grouping.ToString().ToLowerInvariant(), selection = scoped.ToString(), buckets = summary.Buckets,
            total = new { key = summary.Total.Key, total = summary.Total.Total, counts = summary.Total.Counts },
            rows = summary.Rows.Select(r => new { key = r.Key, total = r.Total, counts = r.Counts }), otherKeys = summary.OtherKeys,
        });
    }

    static async Task<IResult> ActAsync(HttpContext http, string action, QueueActionRequest request, ApiAuthentication auth, QueueOperations operations)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        if (!QueueAccess.MayUse(caller))
            return Forbidden(QueueAccess.NotAllowed);
        if (QueueActions.Parse(action) is not { } what)
            return ApiResults.NotFound(QueueActions.Unknown(action));
        if (QueueSelection.Parse(request.Message, request.Domain, request.Sender, request.Channel, request.Status, request.OlderThan, request.All, out var error)
            is not { } selection)
            return ApiResults.BadRequest(error!);
        if (selection.NeedsCriteria() is { } criteria)
            return ApiResults.BadRequest(criteria);
        if (QueueAccess.Scope(caller, selection, out error) is not { } scoped)
            return Forbidden(error!);
        var result = await operations.RunAsync(new QueueOperationRequest(what, scoped, new AuditActor(caller.Actor, AuditActor.Api), request.Reason, request.DryRun),
            http.RequestAborted);
        if (result.Refused)
            return ApiResults.BadRequest(result.Sentence);
        return Results.Json(new
        {
            action = QueueActions.Name(result.Action), selection = result.Selection.ToString(), dryRun = result.DryRun, matched = result.Matched,
            touched = result.Touched, skipped = result.Skipped, auditId = result.AuditId, sentence = result.Sentence,
        });
    }
}
