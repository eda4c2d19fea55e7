namespace Outpost.Web;

/// <summary>POST /api/v1/messages: a message described field by field.</summary>
public sealed record SendRequest(
    string From,
    IReadOnlyList<string>? To,
    IReadOnlyList<string>? Cc,
    IReadOnlyList<string>? Bcc,
    string? Subject,
    string? Text,
    string? Html,
    IReadOnlyList<AttachmentRequest>? Attachments,
    IReadOnlyDictionary<string, string>? Headers);
