using System.Text.Json;
using MimeKit;
using Outpost.Web;

namespace Outpost.Fuzz.Targets;

/// <summary>
/// POST /api/v1/messages without a web server: the input is the request body, read into
/// <see cref="SendRequest"/> with the web defaults the API binds with (a JsonException there is the
/// framework's 400), then <see cref="SendRequestMessage.Build"/> must give a message or a sentence, never
/// an exception; a message built is written out and put through what the spool sink does with it.
/// </summary>
internal sealed class ApiJsonTarget : IFuzzTarget
{
    public string Name => "api-json";

    public void Run(ReadOnlySpan<byte> input)
    {
        SendRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<SendRequest>(input, JsonSerializerOptions.Web);
        }
        catch (JsonException)
        {
            return;
        }
        if (request is null)
            return;
        if (SendRequestMessage.Build(request, out var refusal) is not { } message)
        {
            if (string.IsNullOrWhiteSpace(refusal))
                throw new FuzzFinding("a request was refused without a sentence");
            return;
        }
        using var bytes = new MemoryStream();
        message.WriteTo(FormatOptions.Default, bytes);
        MimeTextTarget.Check(bytes.ToArray());
    }
}
