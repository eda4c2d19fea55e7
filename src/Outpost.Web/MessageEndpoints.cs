using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Outpost.Engine.Configuration;
using Outpost.Engine.Idempotency;
using Outpost.Engine.Queue;
using Outpost.Engine.SendLog;
using Outpost.Engine.Submission;

namespace Outpost.Web;

/// <summary>
/// /api/v1/messages: send (fields or raw RFC 5322) through the same path as SMTP, and read the send log.
/// A caller sees only its own mail: a mailbox its own, a domain key or domain admin its domain's. Both
/// send endpoints take an <c>Idempotency-Key</c> header (<see cref="IdempotentSubmission"/>).
/// </summary>
public static class MessageEndpoints
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/messages", SendAsync).AddOpenApiOperationTransformer(IdempotentSubmission.Describe);
        api.MapPost("/messages/raw", SendRawAsync).AddOpenApiOperationTransformer(IdempotentSubmission.Describe);
        api.MapGet("/messages/{id}", GetAsync);
        api.MapGet("/messages", ListAsync);
    }

    static async Task<IResult> SendAsync(HttpContext http, SendRequest request, ApiAuthentication auth, ApiSubmission submission, IdempotencyService keys)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        return await IdempotentSubmission.RunAsync(http, caller, keys, ct => RequestFingerprint.OfJsonAsync(http.Request, request, ct),
            async (completion, ct) =>
            {
                if (SendRequestMessage.Build(request, out var refusal) is not { } message)
                    return new SendOutcome(ApiResults.Refusal(StatusCodes.Status400BadRequest, refusal), Queued: false);
                return Outcome(await submission.SubmitAsync(caller, Client(http), request.From!, [.. request.To ?? [], .. request.Cc ?? [], .. request.Bcc ?? []], message, ct, completion));
            });
    }

    static async Task<IResult> SendRawAsync(HttpContext http, [FromQuery] string from, [FromQuery] string[] to, ApiAuthentication auth, ApiSubmission submission,
        IdempotencyService keys, OutpostOptions options)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        return await IdempotentSubmission.RunAsync(http, caller, keys, ct => RequestFingerprint.OfBodyAsync(http.Request, options.Smtp.MaxMessageSize, ct),
            async (completion, ct) => to.Length == 0
                ? new SendOutcome(ApiResults.Refusal(StatusCodes.Status400BadRequest, "Name at least one recipient with ?to=."), Queued: false)
                : Outcome(await submission.SubmitAsync(caller, Client(http), from, to, http.Request.Body, ct, completion)));
    }

    static SendOutcome Outcome(ApiSubmissionResult result) => new(Render(result), Queued: result.MessageId is not null);

    /// <summary>The answer to a submission: 202 with the queue id, or the refusal's status with the SMTP sentence; rendered once, so it can be stored as sent.</summary>
    internal static StoredAnswer Render(ApiSubmissionResult result)
    {
        var recipients = result.Recipients.Select(r => new { address = r.Address, accepted = r.Reply.IsPositive, reply = r.Reply.ToString() });
        if (!result.Reply.IsPositive)
            return ApiResults.Render(ApiResults.StatusFor(result.Reply), new { error = result.Reply.Text, smtp = result.Reply.ToString(), recipients });
        return ApiResults.Render(StatusCodes.Status202Accepted,
            new { id = result.MessageId, status = "queued", note = result.Reply.Text.Contains("note:") ? result.Reply.Text : null, recipients });
    }

    static async Task<IResult> GetAsync(HttpContext http, string id, ApiAuthentication auth, ISendLog log)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        var report = await log.GetReportAsync(id.Trim().ToUpperInvariant(), http.RequestAborted);
        if (report is null || !caller.CanSee(report.Message))
            return ApiResults.NotFound($"No message with the id {id} is in your send log.");
        var m = report.Message;
        return Results.Json(new
        {
            id = m.Id, sender = m.Sender, subject = m.Subject, size = m.Size, receivedAt = m.ReceivedAt, source = m.Source,
            recipients = report.Recipients.Select(r => new { address = r.Address, status = r.Status.ToName(), attempts = r.Attempts, nextAttemptAt = r.Status == RecipientStatus.Deferred ? r.NextAttemptAt : (DateTimeOffset?)null, lastReply = r.LastReply }),
            attempts = report.Attempts.Select(a => new
            {
                recipient = a.Recipient, outcome = a.Outcome.ToName(), at = a.Attempt.At, channel = a.Attempt.Channel, mxHost = a.Attempt.MxHost,
                mxAddress = a.Attempt.MxAddress, code = a.Attempt.Code, reply = a.Attempt.Reply, tls = a.Attempt.Tls, tlsPolicy = a.Attempt.TlsPolicy, durationMs = (long)a.Attempt.Duration.TotalMilliseconds,
            }),
        });
    }

    static async Task<IResult> ListAsync(HttpContext http, ApiAuthentication auth, ISendLog log, string? to, string? status, DateTimeOffset? since, string? cursor, int? limit)
    {
        if (await auth.AuthenticateAsync(http) is not { } caller)
            return ApiResults.Unauthorized();
        RecipientStatus? wanted = null;
        try
        {
            wanted = status is null ? null : RecipientStatusNames.Parse(status);
        }
        catch (ArgumentException ex)
        {
            return ApiResults.BadRequest(ex.Message);
        }
        DateTimeOffset? before = null;
        if (cursor is not null)
        {
            if (!long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
                return ApiResults.BadRequest("The cursor is not one this API gave out.");
            before = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        }
        var size = Math.Clamp(limit ?? 50, 1, 500);
        var entries = await log.QueryAsync(new LogQuery(caller.LogScope, to, wanted, since, size, before), http.RequestAborted);
        var next = entries.Count == size ? entries[^1].ReceivedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) : null;
        return Results.Json(new
        {
            items = entries.Select(e => new { id = e.MessageId, receivedAt = e.ReceivedAt, sender = e.Sender, recipient = e.Recipient, status = e.Status.ToName(), attempts = e.Attempts, lastReply = e.LastReply, subject = e.Subject }),
            nextCursor = next,
        });
    }

    static System.Net.IPAddress Client(HttpContext http) => http.Connection.RemoteIpAddress ?? System.Net.IPAddress.Loopback;
}
