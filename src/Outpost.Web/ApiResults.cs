using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Outpost.Engine.Idempotency;
using Outpost.Smtp;

namespace Outpost.Web;

/// <summary>The API's answers. A refusal carries the same sentence SMTP gives, with a status code that fits it.</summary>
public static class ApiResults
{
    public static IResult Unauthorized() =>
        Results.Json(new { error = "Authentication failed" }, statusCode: StatusCodes.Status401Unauthorized);

    public static IResult BadRequest(string sentence) => Results.Json(new { error = sentence }, statusCode: StatusCodes.Status400BadRequest);

    public static IResult NotFound(string sentence) => Results.Json(new { error = sentence }, statusCode: StatusCodes.Status404NotFound);

    /// <summary>An answer rendered once (it may be stored and given again): its status and JSON body as they are.</summary>
    public static IResult Stored(StoredAnswer answer) => Results.Content(answer.Body, "application/json; charset=utf-8", Encoding.UTF8, answer.Status);

    /// <summary>A JSON body as the API writes it (web defaults: camelCase names), as text to send or store.</summary>
    public static StoredAnswer Render(int status, object body) => new(status, JsonSerializer.Serialize(body, JsonSerializerOptions.Web));

    public static StoredAnswer Refusal(int status, string sentence) => Render(status, new { error = sentence });

    /// <summary>552 → 413; a 4.7.1 limit → 429; other 4xx → 503; 5.7.x policy → 403; other 5xx → 422.</summary>
    public static int StatusFor(SmtpReply reply) => reply.Code switch
    {
        552 => StatusCodes.Status413PayloadTooLarge,
        >= 400 and < 500 when reply.Enhanced == "4.7.1" => StatusCodes.Status429TooManyRequests,
        >= 400 and < 500 => StatusCodes.Status503ServiceUnavailable,
        _ when reply.Enhanced.StartsWith("5.7.", StringComparison.Ordinal) => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status422UnprocessableEntity,
    };
}
