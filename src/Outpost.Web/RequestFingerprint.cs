using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

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

    /// <summary>Reads the whole body to hash it and rewinds it for the submission; bodies beyond 64 KB are buffered on disk.</summary>
    public static async Task<string> OfBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        request.EnableBuffering(bufferThreshold: 64 * 1024);
        using var hash = Start(request);
        await using (var sink = new HashingStream(hash))
            await request.Body.CopyToAsync(sink, cancellationToken);
        request.Body.Position = 0;
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
