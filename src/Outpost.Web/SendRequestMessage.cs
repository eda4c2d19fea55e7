using MimeKit;
using Outpost.Engine.Submission;

namespace Outpost.Web;

/// <summary>
/// Turns the JSON of POST /api/v1/messages, as it was read, into the message to submit, or into the one
/// sentence that refuses it. JSON may leave out or null any field, and may hand over base64 that is not;
/// each such gap is a 400 with a sentence, never an exception (tests/Outpost.Fuzz's api-json target holds
/// it to that).
/// </summary>
public static class SendRequestMessage
{
    /// <summary>The message, or null and the refusal's sentence.</summary>
    public static MimeMessage? Build(SendRequest request, out string refusal)
    {
        refusal = "";
        var to = request.To ?? [];
        var cc = request.Cc ?? [];
        if (string.IsNullOrEmpty(request.From))
        {
            refusal = "Name the sender in from.";
            return null;
        }
        if (to.Concat(cc).Concat(request.Bcc ?? []).Any(a => a is null))
        {
            refusal = "A recipient in to, cc or bcc is null; give each as an address.";
            return null;
        }
        if (request.Headers is { } headers && headers.Any(h => h.Value is null))
        {
            refusal = "A header in headers has no value; give each as a string.";
            return null;
        }
        var attachments = new List<(string, string, byte[])>();
        foreach (var a in request.Attachments ?? [])
        {
            if (a is null || string.IsNullOrEmpty(a.Name) || a.Content is null)
            {
                refusal = "Each attachment needs a name and its content in base64.";
                return null;
            }
            byte[] content;
            try
            {
                content = Convert.FromBase64String(a.Content);
            }
            catch (FormatException)
            {
                refusal = $"The content of the attachment {a.Name} is not valid base64.";
                return null;
            }
            attachments.Add((a.Name, a.ContentType ?? "application/octet-stream", content));
        }
        try
        {
            return ApiSubmission.Build(request.From, to, cc, request.Subject, request.Text, request.Html, attachments,
                request.Headers ?? new Dictionary<string, string>());
        }
        catch (Exception ex) when (ex is FormatException or ParseException or ArgumentException)
        {
            refusal = ex.Message;
            return null;
        }
    }
}
