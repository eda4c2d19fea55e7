using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Outpost.Smtp;

namespace Outpost.Web;

/// <summary>
/// The hash that binds an idempotency key to one request: SHA-256 over the method, the path with its query
/// (the raw endpoint's sender and recipients are there) and the body. A JSON body is hashed as the request
/// it was read into, serialised again, so spacing and field order do not matter; a raw body byte for byte.
/// </summary>
internal static class RequestFingerprint
{
    public static async Task<string> OfJsonAsync<T>(HttpRequest request, T body, CancellationToken cancellationToken)
    {
        using var hash = Start(request);
        await using (var sink = new HashingStream(hash))
            await JsonSerializer.SerializeAsync(sink, body, JsonSerializerOptions.Web, cancellationToken);
        return Finish(hash);
    }

    /// <summary>
    /// Reads the whole body to hash it, and leaves a copy in memory as the request's body for the submission
    /// (in memory, not in a temporary file that other users of the machine might read). A body over
    /// <paramref name="limit"/> bytes cannot be a message that is sent: it is refused with the size sentence.
    /// </summary>
    public static async Task<string> OfBodyAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        using var hash = Start(request);
        var copy = new MemoryStream(request.ContentLength is { } length && length <= limit ? (int)length : 0);
        request.HttpContext.Response.RegisterForDispose(copy);
        var buffer = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (copy.Length + read > limit)
                throw new BadHttpRequestException(SmtpReplies.MessageTooBig(limit).Text, StatusCodes.Status413PayloadTooLarge);
            hash.AppendData(buffer, 0, read);
            copy.Write(buffer, 0, read);
        }
        copy.Position = 0;
        request.Body = copy;
        return Finish(hash);
    }

    static IncrementalHash Start(HttpRequest request)
    {
        var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method}\n{request.Path}{request.QueryString}\n"));
        return hash;
    }

    static string Finish(IncrementalHash hash) => Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
}
