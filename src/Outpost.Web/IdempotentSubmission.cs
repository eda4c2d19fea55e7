using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Outpost.Engine.Accounts;
using Outpost.Engine.Idempotency;
using Outpost.Engine.Submission;

namespace Outpost.Web;

/// <summary>
/// The <c>Idempotency-Key</c> header of the two send endpoints. Without it a request is sent as always.
/// With it: the key is checked (1–255 printable ASCII characters, one header), the request's fingerprint
/// taken, and the key claimed for the caller through <see cref="IdempotencyService"/>; a stored answer is
/// given again with <c>Idempotent-Replayed: true</c>, a different request under the key gets 422, and one
/// still being worked on (after a bounded wait) 409. A request that holds the key runs to its end even if
/// its client goes away, so that the client's retry gets its answer; a queued message writes that answer
/// with itself, a final refusal is stored after, a transient one (409, 429, 5xx) lets the key go.
/// </summary>
internal static class IdempotentSubmission
{
    public const string KeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The header in the OpenAPI document of a send endpoint (it is read from the request, not bound).</summary>
    public static Task Describe(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = KeyHeader,
            In = ParameterLocation.Header,
            Required = false,
            Description = "1–255 printable ASCII characters. The same key from the same caller within Api:IdempotencyWindow (24 h) gets the first answer " +
                $"again, with {ReplayedHeader}: true, and queues nothing; 422 when the key was used for a different request, 409 while the first is still being processed.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyRules.MaxKeyLength },
        });
        return Task.CompletedTask;
    }

    /// <param name="fingerprint">Hashes the request (reading the body where it has not been read yet; <see cref="BadHttpRequestException"/> refuses it); only called when a key is given.</param>
    /// <param name="send">Sends: with the completion to hand to the submission (null without a key) and the token to stop on.</param>
    public static async Task<IResult> RunAsync(HttpContext http, ApiCaller caller, IdempotencyService keys, Func<CancellationToken, Task<string>> fingerprint,
        Func<Func<ApiSubmissionResult, IdempotencyCompletion>?, CancellationToken, Task<SendOutcome>> send)
    {
        var values = http.Request.Headers[KeyHeader];
        if (values.Count == 0)
            return ApiResults.Stored((await send(null, http.RequestAborted)).Answer);
        if (values.Count > 1)
            return ApiResults.BadRequest(IdempotencySentences.OneKey);
        var key = values[0] ?? "";
        if (!IdempotencyRules.IsValidKey(key))
            return ApiResults.BadRequest(IdempotencySentences.InvalidKey);

        // The whole request has arrived (a raw body is read to the end here): from now on the client going away
        // changes nothing, so a request cut off after it was sent still queues its message once, and its retry
        // gets the answer. Waiting for a busy key is bounded by the service.
        string hash;
        try
        {
            hash = await fingerprint(CancellationToken.None);
        }
        catch (BadHttpRequestException ex)
        {
            // A body too large (or cut short) is refused before any key is claimed: nothing is stored for it.
            return ApiResults.Stored(ApiResults.Refusal(ex.StatusCode, ex.Message));
        }
        var begin = await keys.BeginAsync(caller.CallerId, key, hash, CancellationToken.None);
        switch (begin.Decision)
        {
            case IdempotencyDecision.Replay:
                http.Response.Headers[ReplayedHeader] = "true";
                return ApiResults.Stored(begin.Answer!);
            case IdempotencyDecision.Mismatch:
                return ApiResults.Stored(ApiResults.Refusal(StatusCodes.Status422UnprocessableEntity, IdempotencySentences.Mismatch));
            case IdempotencyDecision.Busy:
                http.Response.Headers.RetryAfter = "1";
                return ApiResults.Stored(ApiResults.Refusal(StatusCodes.Status409Conflict, IdempotencySentences.InProgress));
        }

        var ticket = begin.Ticket!;
        StoredAnswer? written = null;
        SendOutcome outcome;
        try
        {
            outcome = await send(result =>
            {
                written = MessageEndpoints.Render(result);
                return new IdempotencyCompletion(ticket, written);
            }, CancellationToken.None);
        }
        catch
        {
            await keys.ReleaseAsync(ticket, CancellationToken.None);
            throw;
        }
        // A queued message's answer is the one written with it, byte for byte.
        var answer = outcome.Queued && written is not null ? written : outcome.Answer;
        await keys.FinishAsync(ticket, answer, outcome.Queued, CancellationToken.None);
        return ApiResults.Stored(answer);
    }
}
