using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Outpost.Engine.Configuration;
using Outpost.Engine.Submission;
using Outpost.Smtp;
using Outpost.Web.Admin;

namespace Outpost.Web.Pages;

/// <summary>
/// Compose and send a message with attachments. It goes through the API's submission path (the same
/// checks, limits and sentences as SMTP); the size limit is shown before upload, checked in the browser,
/// and enforced by the server on the encoded message.
/// </summary>
public sealed class ComposeModel(ApiSubmission submission, OutpostOptions options) : PageModel
{
    [BindProperty] public string To { get; set; } = "";
    [BindProperty] public string? Cc { get; set; }
    [BindProperty] public string? Bcc { get; set; }
    [BindProperty] public string? Subject { get; set; }
    [BindProperty] public string? Text { get; set; }
    [BindProperty] public List<IFormFile> Attachments { get; set; } = [];

    public string? Error { get; private set; }
    public IReadOnlyList<(string Address, string Reply)> RecipientReplies { get; private set; } = [];
    public string From => User.Identity?.Name ?? "";
    public long MaxBytes => options.Smtp.MaxMessageSize;
    public string MaxText => SmtpReplies.FormatSize(MaxBytes);
    public string MaxFilesText => Show.Size(MaxBytes * 3 / 4 - 64 * 1024);
    public string TooBigSentence => SmtpReplies.MessageTooBig(MaxBytes).Text;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var to = Split(To);
        var cc = Split(Cc);
        var bcc = Split(Bcc);
        if (to.Count + cc.Count + bcc.Count == 0)
        {
            Error = "Name at least one recipient.";
            return Page();
        }
        // Base64 makes attachments a third larger: refuse early what cannot fit, without building it.
        if (Attachments.Sum(a => a.Length) * 4 / 3 + (Text?.Length ?? 0) > MaxBytes)
        {
            Error = TooBigSentence;
            return Page();
        }
        var files = new List<(string, string, byte[])>();
        foreach (var file in Attachments)
        {
            using var content = new MemoryStream((int)file.Length);
            await file.CopyToAsync(content, HttpContext.RequestAborted);
            files.Add((Path.GetFileName(file.FileName), string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType, content.ToArray()));
        }
        MimeKit.MimeMessage message;
        try
        {
            message = ApiSubmission.Build(From, to, cc, Subject, Text, null, files, new Dictionary<string, string>());
        }
        catch (Exception ex) when (ex is FormatException or MimeKit.ParseException or ArgumentException)
        {
            Error = ex.Message;
            return Page();
        }
        var client = HttpContext.Connection.RemoteIpAddress ?? System.Net.IPAddress.Loopback;
        var result = await submission.SubmitAsync(User.Caller(), client, From, [.. to, .. cc, .. bcc], message, HttpContext.RequestAborted);
        RecipientReplies = result.Recipients.Where(r => !r.Reply.IsPositive).Select(r => (r.Address, r.Reply.Text)).ToList();
        if (!result.Reply.IsPositive || result.MessageId is null)
        {
            Error = result.Reply.Text;
            return Page();
        }
        TempData["Flash"] = RecipientReplies.Count == 0
            ? $"Sent: queued as {result.MessageId}."
            : $"Sent to some recipients, queued as {result.MessageId}; refused: {string.Join("; ", RecipientReplies.Select(r => $"{r.Address}: {r.Reply}"))}";
        return Redirect($"/log/{result.MessageId}");
    }

    static List<string> Split(string? list) =>
        (list ?? "").Split([',', ';', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries).ToList();
}
