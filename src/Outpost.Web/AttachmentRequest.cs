namespace Outpost.Web;

/// <summary>An attachment of <see cref="SendRequest"/>: file name, MIME type, content in base64.</summary>
public sealed record AttachmentRequest(string Name, string? ContentType, string Content);
